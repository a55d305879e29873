package io.certdesk.server.scep;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.ScepClient;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SCEP as time passes, on a server whose clock the test moves: a one-time password expires, spent
 * and expired ones leave the list after a month, and the registration authority is renewed before
 * it ends while requests encrypted to the old one are still opened.
 */
class ScepOverTimeTest extends FreshServerOnBothDatabases {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private String base() {
        return "http://127.0.0.1:" + server.server().httpPort().orElseThrow();
    }

    private X509Certificate ra() throws Exception {
        byte[] body = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base() + "/scep?operation=GetCACert"))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        return ScepClient.registrationAuthority(body);
    }

    private ScepClient.Reply enroll(
            MutableClock clock, String account, String name, String password, X509Certificate ra) throws Exception {
        KeyPair keys = KeyPairs.generate(KeyType.RSA_2048, new SecureRandom());
        ScepClient.Sent sent = ScepClient.enrollment(
                19,
                ScepClient.csr(keys, name, List.of(name), Optional.of(password)),
                ScepClient.selfSigned(keys, name),
                keys.getPrivate(),
                ra,
                ScepClient.transactionId(),
                ScepClient.Options.standard().signedAt(clock.instant()));
        byte[] answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base() + "/scep/" + account + "?operation=PKIOperation"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(sent.der()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        return ScepClient.read(answer, null, keys.getPrivate());
    }

    private String account(String domain) {
        String account = server.adminSignedInAgain().createVendor("SCEP over time " + System.nanoTime());
        server.adminSignedInAgain().setDomains(account, domain);
        server.adminSignedInAgain()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("enabled", true))
                .assertStatus(200);
        return account;
    }

    private String oneTime(String account, int minutes) {
        return server.adminSignedInAgain()
                .post(
                        "/api/v1/accounts/" + account + "/scep/passwords",
                        Map.of("kind", "ONE_TIME", "validMinutes", minutes))
                .assertStatus(201)
                .json()
                .get("password")
                .asText();
    }

    @Test
    void aOneTimePasswordExpiresAndEndedOnesLeaveTheListAfterAMonth() throws Exception {
        MutableClock clock = new MutableClock();
        server = TestServer.start(database, KeyType.EC_P256, clock);
        String account = account("later.scep.test");
        String expiring = oneTime(account, 5);
        String spent = oneTime(account, 60);
        assertThat(enroll(clock, account, "later.scep.test", spent, ra()).status())
                .isEqualTo("0");

        clock.advance(Duration.ofMinutes(6));
        ScepClient.Reply late = enroll(clock, account, "later.scep.test", expiring, ra());
        assertThat(late.status()).isEqualTo("2");
        assertThat(late.failInfoText().orElseThrow()).contains("expired");
        assertThat(server.adminSignedInAgain()
                        .get("/api/v1/accounts/" + account + "/scep/passwords")
                        .json()
                        .get("passwords"))
                .hasSize(2);

        clock.advance(Duration.ofDays(31));
        oneTime(account, 60);
        assertThat(server.adminSignedInAgain()
                        .get("/api/v1/accounts/" + account + "/scep/passwords")
                        .json()
                        .get("passwords"))
                .as("the spent and the expired one are forgotten; the new one is listed")
                .hasSize(1);
    }

    @Test
    void theRegistrationAuthorityIsRenewedBeforeItEndsAndTheOldOneStillOpensRequests() throws Exception {
        MutableClock clock = new MutableClock();
        server = TestServer.start(database, KeyType.EC_P256, clock);
        String account = account("ra.scep.test");
        X509Certificate first = ra();

        clock.advance(RegistrationAuthority.VALIDITY
                .minus(RegistrationAuthority.RENEW_BEFORE)
                .plusDays(1));
        X509Certificate second = ra();

        assertThat(second).isNotEqualTo(first);
        assertThat(second.getNotAfter()).isAfter(first.getNotAfter());
        // a device that fetched the old RA before its renewal is still answered, by the new one
        ScepClient.Reply reply = enroll(clock, account, "ra.scep.test", oneTime(account, 60), first);
        assertThat(reply.status()).isEqualTo("0");
        assertThat(reply.signer()).isEqualTo(second);
    }
}
