package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * testssl.sh (Debian) scans the HTTPS and IPPS listeners as an auditor would, trusting the
 * platform CA: no protocol, cipher, certificate or vulnerability finding is rated worse than LOW.
 * The long form and its result are in docs/tls-scan.md.
 */
class TlsScannerIT {
    private static final Set<String> WORSE_THAN_LOW = Set.of("MEDIUM", "HIGH", "CRITICAL");
    private static TestServer server;
    private static Path work;
    private static Path platformCa;

    @BeforeAll
    static void start() throws Exception {
        DebianTools.require("testssl");
        server = TestServer.start(TestDatabase.H2);
        work = Files.createTempDirectory("testssl");
        platformCa = server.platformCaFile(work);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theHttpsListenerHasNoFindingWorseThanLow() throws Exception {
        assertThat(worseThanLow(scan("https://localhost:" + server.server().httpsPort(), "https")))
                .isEmpty();
    }

    @Test
    void theIppsListenerHasNoFindingWorseThanLow() throws Exception {
        assertThat(worseThanLow(scan("localhost:" + server.ippsPort(), "ipps"))).isEmpty();
    }

    private static JsonNode scan(String target, String name) throws Exception {
        Path json = work.resolve(name + ".json");
        var run = DebianTools.run(
                work,
                Map.of(),
                600,
                "testssl",
                "--quiet",
                "--color",
                "0",
                "--warnings",
                "off",
                "--fast",
                "--add-ca",
                platformCa.toString(),
                "--jsonfile-pretty",
                json.toString(),
                target);
        assertThat(Files.exists(json)).as(run.output()).isTrue();
        return new ObjectMapper().readTree(json.toFile());
    }

    /** "section id: finding" for each finding rated MEDIUM or worse. */
    private static List<String> worseThanLow(JsonNode report) {
        List<String> found = new ArrayList<>();
        report.path("scanResult")
                .forEach(target -> target.fields().forEachRemaining(section -> {
                    if (section.getValue().isArray()) {
                        section.getValue().forEach(f -> {
                            if (WORSE_THAN_LOW.contains(f.path("severity").asText())) {
                                found.add(section.getKey() + " " + f.path("id").asText() + ": "
                                        + f.path("finding").asText());
                            }
                        });
                    }
                }));
        return found;
    }
}
