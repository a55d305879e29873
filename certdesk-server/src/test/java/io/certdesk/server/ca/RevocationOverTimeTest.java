package io.certdesk.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * What happens to the publications as time passes, on a server whose clock the test moves: the
 * delegated OCSP responder renews itself past half its life, and a revoked certificate leaves the
 * CRL once it has expired.
 */
class RevocationOverTimeTest extends FreshServerOnBothDatabases {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
        await(() -> crl(crlUrl).isRevoked(chain.get(0)), "the CRL lists it");
        BigInteger firstResponder = responder(chain);

        clock.advance(Duration.ofDays(16)); // past half of the responder's 30 days, and past the chain's 2
        await(() -> !responder(chain).equals(firstResponder), "a new responder certificate signs");
        await(() -> !crl(crlUrl).isRevoked(chain.get(0)), "the expired certificate left the CRL");
        X509CRL crl = crl(crlUrl);
        assertThat(crl.getNextUpdate().toInstant()).isAfter(clock.instant());
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as(what + " within 10 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static X509CRL crl(String url) throws Exception {
        byte[] der = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray())
                .body();
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    /** The serial of the responder certificate in an OCSP answer about the leaf (a nonce: signed now). */
    private BigInteger responder(List<X509Certificate> chain) throws Exception {
        byte[] nonce = new byte[8];
        new java.security.SecureRandom().nextBytes(nonce);
        byte[] request = new OCSPReqBuilder()
                .addRequest(new CertificateID(
                        new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                        new X509CertificateHolder(chain.get(1).getEncoded()),
                        chain.get(0).getSerialNumber()))
                .setRequestExtensions(
                        new org.bouncycastle.asn1.x509.Extensions(new org.bouncycastle.asn1.x509.Extension(
                                org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers.id_pkix_ocsp_nonce,
                                false,
                                new org.bouncycastle.asn1.DEROctetString(nonce).getEncoded())))
                .build()
                .getEncoded();
        byte[] answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + server.server().httpPort().orElseThrow() + "/pki/ocsp"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(answer).getResponseObject();
        X509CertificateHolder signer = basic.getCerts()[0];
        assertThat(basic.isSignatureValid(
                        new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(signer)))
                .isTrue();
        return signer.getSerialNumber();
    }
}
