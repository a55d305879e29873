package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.OpenSslClient;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code --tls-engine JSSE} (the fallback where BoringSSL does not load) the same selection
 * is served by the JDK's TLS, on both listeners, live, by what the client can verify.
 */
class JsseEngineTest {
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theJdksTlsServesEachNamesChainAndThePlatformsForOthers() throws Exception {
        server = TestServer.start(TestDatabase.H2, TlsEngine.JSSE);
        Path dir = Files.createTempDirectory("jsse");
        Path ca = server.platformCaFile(dir);
        String account = server.admin().createVendor("Jdk");
        server.admin().setDomains(account, "print.jdk.test");
        var chain = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", "print.jdk.test"))
                .assertStatus(201)
                .json();

        for (int port : new int[] {server.server().httpsPort(), server.ippsPort()}) {
            var seen = OpenSslClient.connect(dir, port, Optional.of("print.jdk.test"), ca);
            assertThat(seen.verified()).as(seen.output()).isTrue();
            assertThat(seen.leafSha256()).isEqualTo(chain.path("sha256").asText());
            assertThat(seen.output()).contains("New, TLSv1.3");
        }
        assertThat(OpenSslClient.connect(dir, server.server().httpsPort(), Optional.empty(), ca)
                        .leafSubject())
                .isEqualTo("CN=localhost");
        // the JDK's TLS takes no staple from the application (its server fetches its own, by JVM-wide switches):
        // on JSSE the edge staples nothing, as docs/revocation.md says
        assertThat(OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of("print.jdk.test"), ca, "-status")
                        .output())
                .contains("OCSP response: no response sent");
        var tls12 =
                OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of("print.jdk.test"), ca, "-tls1_2");
        assertThat(tls12.verified()).as(tls12.output()).isTrue();

        var rsa = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", "print.jdk.test", "keyType", "RSA_2048"))
                .assertStatus(201)
                .json();
        var rsaOnly = OpenSslClient.connect(
                dir, server.server().httpsPort(), Optional.of("print.jdk.test"), ca, "-sigalgs", "RSA-PSS+SHA256");
        assertThat(rsaOnly.leafSha256())
                .as("a client verifying only RSA")
                .isEqualTo(rsa.path("sha256").asText());
        var ecOnly = OpenSslClient.connect(
                dir, server.server().httpsPort(), Optional.of("print.jdk.test"), ca, "-sigalgs", "ECDSA+SHA256");
        assertThat(ecOnly.leafSha256())
                .as("a client verifying only ECDSA")
                .isEqualTo(chain.path("sha256").asText());

        server.admin()
                .delete("/api/v1/accounts/" + account + "/private-chains/"
                        + rsa.path("id").asText())
                .assertStatus(204);
        server.admin()
                .delete("/api/v1/accounts/" + account + "/private-chains/"
                        + chain.path("id").asText())
                .assertStatus(204);
        assertThat(OpenSslClient.connect(dir, server.server().httpsPort(), Optional.of("print.jdk.test"), ca)
                        .leafSubject())
                .as("deleted: the platform's")
                .isEqualTo("CN=localhost");
    }
}
