package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.certdesk.server.testing.OpenSslClient;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;

/** With {@code --tls-engine CONSCRYPT} the same selection is served by BoringSSL, on both listeners, live. */
class ConscryptEngineTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void boringSslServesEachNamesChainAndThePlatformsForOthers() throws Exception {
        server = TestServer.start(TestDatabase.H2, TlsEngine.CONSCRYPT);
        Path dir = Files.createTempDirectory("conscrypt");
        Path ca = server.platformCaFile(dir);
        String account = server.admin().createVendor("Boring");
        server.admin().setDomains(account, "print.boring.test");
        var chain = server.admin().post("/api/v1/accounts/" + account + "/private-chains/generate",
                Map.of("purpose", "TLS_SERVER", "domain", "print.boring.test")).assertStatus(201).json();

        for (int port : new int[] {server.server().httpsPort(), server.ippsPort()}) {
            var seen = OpenSslClient.connect(dir, port, Optional.of("print.boring.test"), ca);
            assertThat(seen.verified()).as(seen.output()).isTrue();
            assertThat(seen.leafSha256()).isEqualTo(chain.path("sha256").asText());
            assertThat(seen.output()).contains("New, TLSv1.3");
        }
        assertThat(OpenSslClient.connect(dir, server.server().httpsPort(), Optional.empty(), ca).leafSubject()).isEqualTo("CN=localhost");
        var tls12 = OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of("print.boring.test"), ca, "-tls1_2");
        assertThat(tls12.verified()).as(tls12.output()).isTrue();

        server.admin().delete("/api/v1/accounts/" + account + "/private-chains/" + chain.path("id").asText()).assertStatus(204);
        assertThat(OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of("print.boring.test"), ca).leafSubject())
                .as("deleted: the platform's").isEqualTo("CN=localhost");
    }
}
