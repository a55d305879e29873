package io.certdesk.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.Publications;
import io.certdesk.server.testing.TestServer;
import java.math.BigInteger;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.junit.jupiter.api.Test;

/**
 * What happens to the publications as time passes, on a server whose clock the test moves: the
 * delegated OCSP responder renews itself past half its life, and a revoked certificate leaves the
 * CRL once it has expired.
 */
class RevocationOverTimeTest extends FreshServerOnBothDatabases {
    @Test
    void theResponderRenewsItselfAndAnExpiredRevokedCertificateLeavesTheCrl() throws Exception {
        MutableClock clock = new MutableClock();
        server = TestServer.start(database, KeyType.EC_P256, clock);
        String account = server.admin().createVendor("Over time");
        server.admin().setDomains(account, "short.over-time.test");
        String chainId = server.admin().generateTlsChain(account, "short.over-time.test", Map.of("validityDays", 2));
        List<X509Certificate> chain = server.admin().chainCertificates(account, chainId);
        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/" + chainId + "/revoke",
                        Map.of("reason", "keyCompromise"))
                .assertStatus(200);
        String crlUrl = "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/pki/crl/"
                + PkiLocations.caId(chain.get(1)) + ".crl";
        Eventually.holds("the CRL lists it", () -> Publications.crl(crlUrl).isRevoked(chain.get(0)));
        BigInteger firstResponder = responder(chain);

        clock.advance(Duration.ofDays(16)); // past half of the responder's 30 days, and past the chain's 2
        Eventually.holds(
                "a new responder certificate signs", () -> !responder(chain).equals(firstResponder));
        Eventually.holds(
                "the expired certificate left the CRL",
                () -> !Publications.crl(crlUrl).isRevoked(chain.get(0)));
        X509CRL crl = Publications.crl(crlUrl);
        assertThat(crl.getNextUpdate().toInstant()).isAfter(clock.instant());
    }

    /** The serial of the responder certificate in an OCSP answer about the leaf (a nonce: signed now). */
    private BigInteger responder(List<X509Certificate> chain) throws Exception {
        BasicOCSPResp basic = Publications.ask(server, Publications.ocspRequest(chain.get(0), chain.get(1), true));
        X509CertificateHolder signer = basic.getCerts()[0];
        assertThat(basic.isSignatureValid(
                        new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(signer)))
                .isTrue();
        return signer.getSerialNumber();
    }
}
