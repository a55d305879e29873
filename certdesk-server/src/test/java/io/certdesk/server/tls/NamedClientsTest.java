package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.HostsFile;
import io.certdesk.server.testing.HttpsProbe;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.OpenSslClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients that connect by the account's domain name: an IPP client (ipptool) on the IPPS port, the JDK HttpClient on HTTPS. */
class NamedClientsTest extends OnBothDatabases {
    private static Path dir;

    @BeforeAll
    static void workDir() throws Exception {
        dir = Files.createTempDirectory("named-clients");
    }

    private static Path platformCa() {
        return server.platformCaFile(dir);
    }

    private static String accountServing(String name) {
        String account = server.admin().createVendor("Named " + name);
        server.admin().setDomains(account, name);
        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", name))
                .assertStatus(201);
        return account;
    }

    @Test
    void ipptoolPrintsOverIppsWithTheAccountsChainAndVerificationFailsOnceItIsDeleted() throws Exception {
        DebianTools.require("ipptool");
        String name = "print.ipps-" + server.kind().name().toLowerCase() + ".test";
        String account = accountServing(name);
        String uri = "ipps://" + name + ":" + server.ippsPort() + "/ipp/print";

        var attributes =
                HostsFile.run(dir, List.of(name), Map.of(), "ipptool", "-tv", uri, "get-printer-attributes.test");
        assertThat(attributes.exit()).as(attributes.output()).isZero();
        assertThat(attributes.output())
                .contains("[PASS]")
                .contains("printer-uri-supported (uri) = " + uri)
                .contains("uri-security-supported (keyword) = tls");
        Path document = dir.resolve("page.txt");
        Files.writeString(document, "Certdesk test page\n".repeat(200));
        var printed = HostsFile.run(
                dir, List.of(name), Map.of(), "ipptool", "-tv", "-f", document.toString(), uri, "print-job.test");
        assertThat(printed.exit()).as(printed.output()).isZero();
        assertThat(printed.output()).contains("[PASS]").contains("job-id (integer) = ");
        var validated = HostsFile.run(
                dir, List.of(name), Map.of(), "ipptool", "-t", "-f", document.toString(), uri, "validate-job.test");
        assertThat(validated.output()).contains("[PASS]");

        var verified = OpenSslClient.connect(dir, server.ippsPort(), Optional.of(name), platformCa());
        assertThat(verified.verified())
                .as("the IPPS port presents the account's chain for the name")
                .isTrue();
        String chainId = server
                .admin()
                .get("/api/v1/accounts/" + account + "/private-chains")
                .json()
                .path("chains")
                .findValuesAsText("id")
                .stream()
                .filter(id -> server.admin()
                        .get("/api/v1/accounts/" + account + "/private-chains/" + id)
                        .json()
                        .path("purposes")
                        .toString()
                        .contains("TLS_SERVER"))
                .findFirst()
                .orElseThrow();
        server.admin()
                .delete("/api/v1/accounts/" + account + "/private-chains/" + chainId)
                .assertStatus(204);
        var platformServed = OpenSslClient.connect(dir, server.ippsPort(), Optional.of(name), platformCa());
        assertThat(platformServed.verified())
                .as("the platform certificate does not name " + name)
                .isFalse();
        assertThat(platformServed.output()).contains("hostname mismatch");
    }

    @Test
    void theJdkHttpClientTrustingOnlyThePlatformCaReachesTheApiByTheAccountsName() throws Exception {
        String name = "api.jdk-" + server.kind().name().toLowerCase() + ".test";
        accountServing(name);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var probe = HostsFile.run(
                dir,
                List.of(name),
                Map.of(),
                java,
                "-cp",
                System.getProperty("java.class.path"),
                HttpsProbe.class.getName(),
                "https://" + name + ":" + server.server().httpsPort() + "/readyz",
                platformCa().toString());
        assertThat(probe.exit()).as(probe.output()).isZero();
        assertThat(probe.output()).contains("status 200 leaf CN=" + name);

        var unknown = HostsFile.run(
                dir,
                List.of("nobody.jdk.test"),
                Map.of(),
                java,
                "-cp",
                System.getProperty("java.class.path"),
                HttpsProbe.class.getName(),
                "https://nobody.jdk.test:" + server.server().httpsPort() + "/readyz",
                platformCa().toString());
        assertThat(unknown.exit())
                .as("the platform certificate does not name it: the client refuses")
                .isEqualTo(1);
        assertThat(unknown.output()).contains("failed");
    }
}
