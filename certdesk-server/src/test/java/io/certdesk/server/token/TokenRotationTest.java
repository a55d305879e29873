package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestServer;

/** Replacing the signing chain never breaks a token still in use: the old key stays published until its tokens expire. */
class TokenRotationTest extends FreshServerOnBothDatabases {
    @Test
    void aTokenSignedBeforeTheSigningChainChangedVerifiesUntilItExpires() throws Exception {
        MutableClock clock = new MutableClock();
        server = TestServer.start(database, KeyType.EC_P256, clock);
        String account = server.admin().createVendor("Rotation");
        String base = "/api/v1/accounts/" + account;
        String before = server.admin().get(base + "/pki-settings").json().path("signingChainId").asText();
        JsonNode client = server.admin().post(base + "/api-clients", Map.of("name", "fleet")).assertStatus(201).json();
        String basic = "Basic " + Base64.getEncoder().encodeToString((client.path("clientId").asText() + ":"
                + client.path("clientSecret").asText()).getBytes(StandardCharsets.UTF_8));
        String oldToken = token(base, basic);

        String next = server.admin().post(base + "/private-chains/generate", Map.of("purpose", "TOKEN_SIGNING")).assertStatus(201)
                .json().path("id").asText();
        server.admin().put(base + "/pki-settings", Map.of("signingChainId", next, "tlsBindings", Map.of())).assertStatus(200);
        String newToken = token(base, basic);

        JWKSet keys = jwks(base);
        assertThat(keys.getKeys()).hasSize(2);
        assertThat(keys.getKeys().get(0).getKeyID()).isEqualTo(SignedJWT.parse(newToken).getHeader().getKeyID());
        assertThat(verifies(keys, oldToken)).as("the old token still verifies").isTrue();
        assertThat(verifies(keys, newToken)).as("the new token verifies at once").isTrue();
        server.admin().delete(base + "/private-chains/" + before).assertProblem(409, "chain_in_use");

        clock.advance(Duration.ofMinutes(16).plusSeconds(1));
        JWKSet later = jwks(base);
        assertThat(later.getKeys()).hasSize(1);
        assertThat(verifies(later, oldToken)).as("the old key is retired once its tokens have expired").isFalse();
        assertThat(verifies(later, newToken)).isTrue();
        server.admin().delete(base + "/private-chains/" + before).assertStatus(204);
    }

    private String token(String base, String basic) {
        return server.anonymous().sendRawWithHeader("POST", base + "/oauth2/token", "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded", basic).assertStatus(200).json().path("access_token").asText();
    }

    private JWKSet jwks(String base) throws Exception {
        return JWKSet.parse(server.anonymous().get(base + "/.well-known/jwks.json").assertStatus(200).text());
    }

    private static boolean verifies(JWKSet keys, String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier((ECKey) key));
    }

}
