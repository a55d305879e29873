package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.Jwks;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replacing the signing chain never breaks a token still in use: the old key stays published until its tokens expire. */
class TokenRotationTest extends FreshServerOnBothDatabases {
    private final MutableClock clock = new MutableClock();

    private String startWithVendor(String name) {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        return server.admin().createVendor(name);
    }

    private static String base(String account) {
        return "/api/v1/accounts/" + account;
    }

    private String generateSigningChain(String account, String keyType) {
        return server.admin()
                .post(
                        base(account) + "/private-chains/generate",
                        Map.of("purpose", "TOKEN_SIGNING", "keyType", keyType))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
    }

    private JsonNode putSettings(String account, Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>(settings);
        body.putIfAbsent("tlsBindings", Map.of());
        return server.admin()
                .put(base(account) + "/pki-settings", body)
                .assertStatus(200)
                .json();
    }

    private int readCertificates(String token, String account) {
        return server.bearer(token).get(base(account) + "/private-chains").status();
    }

    @Test
    void aTokenSignedBeforeTheSigningChainChangedWorksUntilItExpiresAndTheNewOneAtOnce() throws Exception {
        String account = startWithVendor("Rotation");
        String before = server.admin()
                .get(base(account) + "/pki-settings")
                .json()
                .path("signingChainId")
                .asText();
        var client = ApiClients.create(server, account, null);
        String oldToken = ApiClients.token(server, client);
        assertThat(readCertificates(oldToken, account)).isEqualTo(200);

        String next = generateSigningChain(account, "EC_P256");
        JsonNode settings = putSettings(account, Map.of("signingChainId", next));
        assertThat(settings.path("signingKeys").get(0).path("state").asText()).isEqualTo("ACTIVE");
        assertThat(settings.path("signingKeys").get(1).path("chainId").asText()).isEqualTo(before);
        assertThat(settings.path("signingKeys").get(1).path("state").asText()).isEqualTo("PASSIVE");
        String newToken = ApiClients.token(server, client);

        JWKSet keys = Jwks.fetch(server, account);
        assertThat(keys.getKeys()).hasSize(2);
        assertThat(keys.getKeys().get(0).getKeyID())
                .isEqualTo(SignedJWT.parse(newToken).getHeader().getKeyID());
        assertThat(Jwks.verifies(keys, oldToken))
                .as("the old token still verifies")
                .isTrue();
        assertThat(Jwks.verifies(keys, newToken))
                .as("the new token verifies at once")
                .isTrue();
        assertThat(readCertificates(oldToken, account))
                .as("the old token still reads the API")
                .isEqualTo(200);
        assertThat(readCertificates(newToken, account)).isEqualTo(200);
        server.admin().delete(base(account) + "/private-chains/" + before).assertProblem(409, "chain_in_use");

        clock.advance(Duration.ofMinutes(15).plusSeconds(30));
        assertThat(readCertificates(oldToken, account))
                .as("expired, within the minute of skew")
                .isEqualTo(200);
        clock.advance(Duration.ofSeconds(31));
        JWKSet later = Jwks.fetch(server, account);
        assertThat(later.getKeys()).hasSize(1);
        assertThat(Jwks.verifies(later, oldToken))
                .as("the old key is retired once its tokens have expired")
                .isFalse();
        server.bearer(oldToken).get(base(account) + "/private-chains").assertProblem(401, "invalid_token");
        server.admin().delete(base(account) + "/private-chains/" + before).assertStatus(204);
        assertThat(readCertificates(ApiClients.token(server, client), account)).isEqualTo(200);
    }

    @Test
    void aScheduledSigningChainIsPublishedAtOnceAndSignsFromItsActivationTime() throws Exception {
        String account = startWithVendor("Scheduled rotation");
        String current = server.admin()
                .get(base(account) + "/pki-settings")
                .json()
                .path("signingChainId")
                .asText();
        var client = ApiClients.create(server, account, null);
        String next = generateSigningChain(account, "EC_P384");

        Map<String, Object> tooSoon = Map.of(
                "signingChainId",
                next,
                "activateAt",
                clock.instant().plus(Duration.ofMinutes(2)).toString(),
                "tlsBindings",
                Map.of());
        var refused =
                server.admin().put(base(account) + "/pki-settings", tooSoon).assertProblem(422, "validation_failed");
        assertThat(refused.json().path("field").asText()).isEqualTo("activateAt");
        JsonNode unchanged = server.admin().get(base(account) + "/pki-settings").json();
        assertThat(unchanged.path("nextSigningChainId").isNull())
                .as("nothing scheduled")
                .isTrue();
        assertThat(unchanged.path("signingKeys")).hasSize(1);

        Instant activateAt = clock.instant().plus(Duration.ofMinutes(10)).plusMillis(1234);
        JsonNode scheduled = putSettings(account, Map.of("signingChainId", next, "activateAt", activateAt.toString()));
        assertThat(scheduled.path("signingChainId").asText()).isEqualTo(current);
        assertThat(scheduled.path("nextSigningChainId").asText()).isEqualTo(next);
        assertThat(Instant.parse(scheduled.path("activateAt").asText()))
                .isEqualTo(activateAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(scheduled.path("signingKeys").findValuesAsText("state")).containsExactly("ACTIVE", "NEXT");
        assertThat(Jwks.fetch(server, account).getKeys())
                .as("published before it signs")
                .hasSize(2);
        String beforeSwitch = ApiClients.token(server, client);
        assertThat(SignedJWT.parse(beforeSwitch).getHeader().getAlgorithm().getName())
                .isEqualTo("ES256");
        server.admin().delete(base(account) + "/private-chains/" + next).assertProblem(409, "chain_in_use");

        clock.advance(Duration.ofMinutes(10).plusSeconds(2));
        String afterSwitch = ApiClients.token(server, client);
        assertThat(SignedJWT.parse(afterSwitch).getHeader().getAlgorithm().getName())
                .isEqualTo("ES384");
        JsonNode switched = server.admin().get(base(account) + "/pki-settings").json();
        assertThat(switched.path("signingChainId").asText()).isEqualTo(next);
        assertThat(switched.path("nextSigningChainId").isNull()).isTrue();
        assertThat(switched.path("signingKeys").findValuesAsText("state")).containsExactly("ACTIVE", "PASSIVE");
        assertThat(readCertificates(beforeSwitch, account)).isEqualTo(200);
        assertThat(readCertificates(afterSwitch, account)).isEqualTo(200);

        clock.advance(Duration.ofMinutes(16).plusSeconds(1));
        assertThat(Jwks.fetch(server, account).getKeys()).hasSize(1);
        server.admin().delete(base(account) + "/private-chains/" + current).assertStatus(204);
    }

    @Test
    void theTokenLifetimeIsSetPerAccountUpToADayAndKeepsReplacedKeysPublishedThatLong() throws Exception {
        String account = startWithVendor("Long tokens");
        String first = server.admin()
                .get(base(account) + "/pki-settings")
                .json()
                .path("signingChainId")
                .asText();
        var client = ApiClients.create(server, account, null);
        var refused = server.admin()
                .put(
                        base(account) + "/pki-settings",
                        Map.of("signingChainId", first, "tokenLifetimeSeconds", 86_401, "tlsBindings", Map.of()))
                .assertProblem(422, "validation_failed");
        assertThat(refused.json().path("field").asText()).isEqualTo("tokenLifetimeSeconds");
        assertThat(server.admin()
                        .get(base(account) + "/pki-settings")
                        .json()
                        .path("tokenLifetimeSeconds")
                        .asLong())
                .as("unchanged")
                .isEqualTo(900);
        assertThat(putSettings(account, Map.of("signingChainId", first, "tokenLifetimeSeconds", 86_400))
                        .path("tokenLifetimeSeconds")
                        .asLong())
                .isEqualTo(86_400);
        var answer = ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials")
                .assertStatus(200)
                .json();
        assertThat(answer.path("expires_in").asLong()).isEqualTo(86_400);
        String dayToken = answer.path("access_token").asText();
        var claims = SignedJWT.parse(dayToken).getJWTClaimsSet();
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
                .isEqualTo(86_400_000L);

        // Back to 15 minutes and a new signing chain: the day-long token still needs the old key for a day.
        String second = generateSigningChain(account, "EC_P256");
        putSettings(account, Map.of("signingChainId", second, "tokenLifetimeSeconds", 900));
        assertThat(ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials")
                        .json()
                        .path("expires_in")
                        .asLong())
                .isEqualTo(900);
        clock.advance(Duration.ofHours(23));
        assertThat(readCertificates(dayToken, account)).isEqualTo(200);
        clock.advance(Duration.ofHours(1).plusMinutes(2));
        server.bearer(dayToken).get(base(account) + "/private-chains").assertProblem(401, "invalid_token");
        assertThat(Jwks.fetch(server, account).getKeys()).hasSize(1);
    }

    @Test
    void anEd25519SigningChainSignsEdDsaTokens() throws Exception {
        String account = startWithVendor("EdDSA tokens");
        String chain = generateSigningChain(account, "ED25519");
        putSettings(account, Map.of("signingChainId", chain));
        String token = ApiClients.token(server, ApiClients.create(server, account, null));
        assertThat(SignedJWT.parse(token).getHeader().getAlgorithm().getName()).isEqualTo("EdDSA");
        JWKSet keys = Jwks.fetch(server, account);
        assertThat(keys.getKeys().get(0).getKeyType().getValue()).isEqualTo("OKP");
        assertThat(keys.getKeys().get(0).getX509CertChain()).hasSize(3);
        assertThat(Jwks.verifies(keys, token)).isTrue();
        assertThat(readCertificates(token, account)).isEqualTo(200);
        server.admin().setDomains(account, "ed.acme.test");
        server.admin()
                .post(
                        base(account) + "/private-chains/generate",
                        Map.of("purpose", "TLS_SERVER", "domain", "ed.acme.test", "keyType", "ED25519"))
                .assertProblem(422, "validation_failed");
        assertThat(List.of(server.anonymous()
                        .get(base(account) + "/.well-known/openid-configuration")
                        .json()
                        .path("access_token_signing_alg_values_supported")
                        .toString()))
                .anyMatch(s -> s.contains("EdDSA"));
    }
}
