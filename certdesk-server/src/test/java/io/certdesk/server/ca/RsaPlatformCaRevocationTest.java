package io.certdesk.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.Publications;
import io.certdesk.server.testing.TestServer;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.junit.jupiter.api.Test;

/**
 * An RSA platform CA has three CAs (the root, an RSA and an EC issuing CA): each has its own
 * CRL and responder, and a chain of either key type is answered for by its own issuer.
 */
class RsaPlatformCaRevocationTest extends FreshServerOnBothDatabases {
    @Test
    void chainsOfBothIssuingCasAreAnsweredForAndListedByTheirOwnIssuer() throws Exception {
        server = TestServer.start(database, KeyType.RSA_2048);
        assertThat(server.server().platformCa().caCertificates()).hasSize(3);
        String account = server.admin().createVendor("RSA CA");
        server.admin().setDomains(account, "rsa.rsa-ca.test", "ec.rsa-ca.test");
        for (var kind : List.of(
                Map.of("domain", "rsa.rsa-ca.test", "keyType", "RSA_2048"),
                Map.of("domain", "ec.rsa-ca.test", "keyType", "EC_P256"))) {
            String chainId = server.admin()
                    .generateTlsChain(account, kind.get("domain"), Map.of("keyType", kind.get("keyType")));
            List<X509Certificate> chain = server.admin().chainCertificates(account, chainId);
            assertThat(chain.get(1).getPublicKey().getAlgorithm())
                    .as("issued by the issuing CA of its key type")
                    .isEqualTo(chain.get(0).getPublicKey().getAlgorithm());
            assertThat(status(chain)).as(kind + " good").isNull();

            server.admin()
                    .post(
                            "/api/v1/accounts/" + account + "/private-chains/" + chainId + "/revoke",
                            Map.of("reason", "superseded"))
                    .assertStatus(200);
            assertThat(status(chain)).as(kind + " revoked").isInstanceOf(RevokedStatus.class);
            String crlUrl = "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/pki/crl/"
                    + PkiLocations.caId(chain.get(1)) + ".crl";
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            X509CRL crl;
            while (!(crl = Publications.crl(crlUrl)).isRevoked(chain.get(0))) {
                assertThat(System.nanoTime()).as(kind + " in its issuer's CRL").isLessThan(deadline);
                Thread.sleep(100);
            }
            crl.verify(chain.get(1).getPublicKey());
        }
    }

    /** The leaf's status as the responder says it (null: good), its answer signed by the issuer's responder. */
    private Object status(List<X509Certificate> chain) throws Exception {
        BasicOCSPResp basic = Publications.ask(server, Publications.ocspRequest(chain.get(0), chain.get(1), false));
        X509CertificateHolder responder = basic.getCerts()[0];
        assertThat(responder.getIssuer().getEncoded())
                .isEqualTo(chain.get(1).getSubjectX500Principal().getEncoded());
        assertThat(responder.isSignatureValid(
                        new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(chain.get(1))))
                .isTrue();
        return basic.getResponses()[0].getCertStatus();
    }
}
