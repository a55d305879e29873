package io.certdesk.server.ca;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.Publications;
import io.certdesk.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.junit.jupiter.api.Test;

/**
 * The platform's issuing CA is renewed under the root before it ends: new chains come from its
 * successor, and the old one goes on answering (OCSP, CRL, its certificate) for what it issued,
 * across a restart.
 */
class IssuingCaRenewalTest extends FreshServerOnBothDatabases {
    private final MutableClock clock = new MutableClock();

    private String chainFor(Api admin, String account, String domain) {
        return admin.generateTlsChain(account, domain, Map.of("validityDays", 90));
    }

    private static int status(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private String pki(String rest) {
        return "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/pki/" + rest;
    }

    /** The answer about {@code leaf} is signed by a responder that {@code issuer} certified. */
    private void answersFor(X509Certificate leaf, X509Certificate issuer) throws Exception {
        BasicOCSPResp answer = Publications.ask(server, Publications.ocspRequest(leaf, issuer, true));
        X509CertificateHolder responder = answer.getCerts()[0];
        assertThat(responder.getIssuer().toString())
                .isEqualTo(new X509CertificateHolder(issuer.getEncoded())
                        .getSubject()
                        .toString());
        assertThat(answer.isSignatureValid(
                        new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder().build(responder)))
                .isTrue();
        assertThat(answer.getResponses()[0].getCertID().getSerialNumber()).isEqualTo(leaf.getSerialNumber());
    }

    @Test
    void anIssuingCaNearItsEndIsRenewedAndTheOldOneKeepsAnsweringForWhatItIssued() throws Exception {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        Api admin = server.admin();
        String account = admin.createVendor("Issuing renewal");
        admin.setDomains(account, "old.issuing.test", "new.issuing.test");
        List<X509Certificate> before = admin.chainCertificates(account, chainFor(admin, account, "old.issuing.test"));
        X509Certificate oldIssuing = before.get(1);

        // 10 years of issuing CA: renewed when less than two years and a month are left
        clock.advance(Duration.ofDays(3650)
                .minus(PlatformCaService.ISSUING_RENEW_BEFORE)
                .plusDays(1));
        Api later = server.adminSignedInAgain();
        Eventually.holds("the issuing CA is renewed", Duration.ofSeconds(20), () -> {
            JsonNode own = later.get("/api/v1/platform/expiring?within=P3650D&limit=500")
                    .json();
            for (JsonNode item : own.path("items")) {
                if (item.path("kind").asText().equals("PLATFORM_CA")
                        && item.path("subject").asText().contains("G2")) {
                    return true;
                }
            }
            return false;
        });
        List<X509Certificate> after = later.chainCertificates(account, chainFor(later, account, "new.issuing.test"));
        X509Certificate newIssuing = after.get(1);
        assertThat(newIssuing.getSubjectX500Principal().getName()).contains("Issuing CA G2");
        assertThat(newIssuing.getPublicKey()).isNotEqualTo(oldIssuing.getPublicKey());
        after.get(0).verify(newIssuing.getPublicKey());
        newIssuing.verify(after.get(2).getPublicKey());
        assertThat(after.get(2)).as("the same root").isEqualTo(before.get(2));
        assertThat(newIssuing.getNotAfter().toInstant())
                .isAfter(oldIssuing.getNotAfter().toInstant());
        // before and after a restart (read then over plain HTTP only: a node started at a clock years ahead
        // issues itself a certificate the test's HTTPS client, on the real time, would not take yet)
        for (int restart = 0; restart < 2; restart++) {
            answersFor(before.get(0), oldIssuing);
            answersFor(after.get(0), newIssuing);
            for (X509Certificate ca : List.of(oldIssuing, newIssuing)) {
                assertThat(status(pki("ca/" + PkiLocations.caId(ca) + ".crt"))).isEqualTo(200);
                X509CRL crl = Publications.crl(pki("crl/" + PkiLocations.caId(ca) + ".crl"));
                crl.verify(ca.getPublicKey());
                assertThat(crl.getNextUpdate().toInstant()).isAfter(clock.instant());
            }
            if (restart == 0) {
                server.restart(server.masterKey());
            }
        }
    }
}
