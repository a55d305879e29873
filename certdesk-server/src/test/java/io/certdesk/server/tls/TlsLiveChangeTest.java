package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.Handshakes;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A change made through the API is what the next handshakes see, without a restart; an expired chain is never served. */
class TlsLiveChangeTest extends FreshServerOnBothDatabases {
    private static final String NAME = "print.live.test";
    private final MutableClock clock = new MutableClock();

    private String startWithAccount() {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        String account = server.admin().createVendor("Live");
        server.admin().setDomains(account, NAME);
        return account;
    }

    private String platformLeaf() {
        return CertificateCodec.sha256Hex(Handshakes.presented(server.server().httpsPort(), Optional.empty())
                .get(0));
    }

    /** Handshakes in a loop until the leaf is {@code expected}; the time that took. */
    private Duration untilServed(String expected) {
        long started = System.nanoTime();
        while (!Handshakes.leafSha256(server.server().httpsPort(), NAME).equals(expected)) {
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .as("served within 1 s")
                    .isLessThan(Duration.ofSeconds(1));
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void aGeneratedChainIsServedWithinASecondOfTheApiCallAndADeletedOneNoLonger() {
        String account = startWithAccount();
        String base = "/api/v1/accounts/" + account;
        String platform = platformLeaf();
        assertThat(Handshakes.leafSha256(server.server().httpsPort(), NAME)).isEqualTo(platform);

        var chain = server.admin()
                .post(base + "/private-chains/generate", Map.of("purpose", "TLS_SERVER", "domain", NAME))
                .assertStatus(201)
                .json();
        assertThat(untilServed(chain.path("sha256").asText())).isLessThan(Duration.ofSeconds(1));

        var newer = server.admin()
                .post(base + "/private-chains/generate", Map.of("purpose", "TLS_SERVER", "domain", NAME))
                .assertStatus(201)
                .json();
        untilServed(newer.path("sha256").asText());
        server.admin()
                .delete(base + "/private-chains/" + newer.path("id").asText())
                .assertStatus(204);
        untilServed(chain.path("sha256").asText());
        server.admin().setDomains(account); // the name is no longer the account's
        untilServed(platform);
    }

    @Test
    void afterARestartEveryAccountsChainsAndBindingsAreServedFromTheFirstHandshake() throws Exception {
        String account = startWithAccount();
        String base = "/api/v1/accounts/" + account;
        var bound = server.admin()
                .post(
                        base + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", NAME, "keyType", "RSA_2048"))
                .assertStatus(201)
                .json();
        server.admin()
                .post(base + "/private-chains/generate", Map.of("purpose", "TLS_SERVER", "domain", NAME))
                .assertStatus(201);
        String signing = server.admin()
                .get(base + "/pki-settings")
                .json()
                .path("signingChainId")
                .asText();
        server.admin()
                .put(
                        base + "/pki-settings",
                        Map.of(
                                "signingChainId",
                                signing,
                                "tlsBindings",
                                Map.of(NAME, bound.path("id").asText())))
                .assertStatus(200);
        String other = server.admin().createVendor("Other live");
        server.admin().setDomains(other, "kiosk.live.test");
        var otherChain = server.admin()
                .post(
                        "/api/v1/accounts/" + other + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", "kiosk.live.test"))
                .assertStatus(201)
                .json();

        server.restart(server.masterKey());
        assertThat(Handshakes.leafSha256(server.server().httpsPort(), NAME))
                .as("the bound chain")
                .isEqualTo(bound.path("sha256").asText());
        assertThat(Handshakes.leafSha256(server.server().httpsPort(), "kiosk.live.test"))
                .isEqualTo(otherChain.path("sha256").asText());

        // the keys the first handshakes did not need are opened in the background, and serve the same after it
        Eventually.holds(
                "every key opened",
                () -> server.anonymous().get("/metrics").text().contains("certdesk_tls_keys_sealed 0.0"));
        assertThat(server.anonymous().get("/metrics").text()).contains("certdesk_tls_chains 4.0");
        assertThat(Handshakes.leafSha256(server.server().httpsPort(), NAME))
                .isEqualTo(bound.path("sha256").asText());
    }

    @Test
    void anExpiredChainIsNeverServed() {
        String account = startWithAccount();
        var chain = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", NAME, "validityDays", 2))
                .assertStatus(201)
                .json();
        assertThat(Handshakes.leafSha256(server.server().httpsPort(), NAME))
                .isEqualTo(chain.path("sha256").asText());
        clock.advance(Duration.ofDays(2).plusHours(1));
        assertThat(Handshakes.leafSha256(server.server().httpsPort(), NAME))
                .as("expired: the platform's instead")
                .isEqualTo(platformLeaf());
    }
}
