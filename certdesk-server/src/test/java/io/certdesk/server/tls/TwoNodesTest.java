package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Handshakes;
import io.certdesk.server.testing.Publications;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two nodes on one PostgreSQL database behave as one: a change made through one is served by the other. */
class TwoNodesTest {
    private static final String NAME = "print.nodes.test";
    private TestServer nodeA;
    private TestServer nodeB;

    @AfterEach
    void stop() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void aChainGeneratedThroughOneNodeIsServedByTheOtherWithinTwoSeconds() {
        nodeA = TestServer.start(TestDatabase.POSTGRESQL);
        nodeB = nodeA.secondNode();
        assertThat(nodeB.server().platformCaSha256())
                .as("one platform CA")
                .isEqualTo(nodeA.server().platformCaSha256());
        String account = nodeA.admin().createVendor("Nodes");
        nodeA.admin().setDomains(account, NAME);

        var chain = nodeA.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", NAME))
                .assertStatus(201)
                .json();
        String expected = chain.path("sha256").asText();
        long started = System.nanoTime();
        while (!Handshakes.leafSha256(nodeB.server().httpsPort(), NAME).equals(expected)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("node B serves it within 2 s")
                    .isLessThan(Duration.ofSeconds(2));
        }
        assertThat(Handshakes.leafSha256(nodeA.server().httpsPort(), NAME)).isEqualTo(expected);

        // and back: a deletion through node B is seen by node A
        nodeB.admin()
                .delete("/api/v1/accounts/" + account + "/private-chains/"
                        + chain.path("id").asText())
                .assertStatus(204);
        started = System.nanoTime();
        while (Handshakes.leafSha256(nodeA.server().httpsPort(), NAME).equals(expected)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aRevocationThroughOneNodeIsInTheOthersOcspAnswersAndCrlWithinTwoSeconds() throws Exception {
        nodeA = TestServer.start(TestDatabase.POSTGRESQL);
        nodeB = nodeA.secondNode();
        String name = "revoked.nodes.test";
        String account = nodeA.admin().createVendor("Nodes revocation");
        nodeA.admin().setDomains(account, name);
        String chainId = nodeA.admin().generateTlsChain(account, name, Map.of());
        var chain = nodeA.admin().chainCertificates(account, chainId);
        byte[] request = Publications.ocspRequest(chain.get(0), chain.get(1), false);
        String crlUrl = "http://127.0.0.1:" + nodeB.server().httpPort().orElseThrow() + "/pki/crl/"
                + io.certdesk.pki.issue.PkiLocations.caId(chain.get(1)) + ".crl";
        assertThat(ocspStatus(nodeB, request)).as("good, and cached by node B").isNull();
        assertThat(Publications.crl(crlUrl).isRevoked(chain.get(0))).isFalse();

        nodeA.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/" + chainId + "/revoke",
                        Map.of("reason", "keyCompromise"))
                .assertStatus(200);
        long started = System.nanoTime();
        while (!(ocspStatus(nodeB, request) instanceof org.bouncycastle.cert.ocsp.RevokedStatus)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("node B's OCSP says revoked within 2 s")
                    .isLessThan(Duration.ofSeconds(2));
            Thread.sleep(50);
        }
        while (!Publications.crl(crlUrl).isRevoked(chain.get(0))) {
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("node B's CRL lists it within 2 s")
                    .isLessThan(Duration.ofSeconds(2));
            Thread.sleep(50);
        }
    }

    private static org.bouncycastle.cert.ocsp.CertificateStatus ocspStatus(TestServer node, byte[] request)
            throws Exception {
        return Publications.ask(node, request).getResponses()[0].getCertStatus();
    }
}
