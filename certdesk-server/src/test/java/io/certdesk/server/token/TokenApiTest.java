package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.certdesk.pki.testing.Pem;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.ApiClients.Client;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.Jwks;
import io.certdesk.server.testing.OnBothDatabases;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenApiTest extends OnBothDatabases {
    private static String base(String account) {
        return "/api/v1/accounts/" + account;
    }

    private static void assertOAuthError(Api.Response r, int status, String error) {
        r.assertStatus(status);
        assertThat(r.json().path("error").asText()).isEqualTo(error);
        assertThat(r.json().path("error_description").asText()).isNotBlank();
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.text()).doesNotContain("eyJ");
    }

    private static SignedJWT verified(String account, String accessToken) throws Exception {
        assertThat(Jwks.verifies(Jwks.fetch(server, account), accessToken))
                .as("verifies against the published keys")
                .isTrue();
        return SignedJWT.parse(accessToken);
    }

    @Test
    void aClientGetsAnEs256TokenThatVerifiesAgainstThePublishedKeys() throws Exception {
        String account = server.admin().createVendor("Tokens");
        Client client = ApiClients.create(server, account, List.of("certificates:read", "pki:read"));
        assertThat(server.admin().get(base(account) + "/api-clients").json().toString())
                .doesNotContain(client.secret())
                .doesNotContain("clientSecret");

        var r = ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials")
                .assertStatus(200);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.json().path("token_type").asText()).isEqualTo("Bearer");
        assertThat(r.json().path("expires_in").asLong()).isEqualTo(900);
        SignedJWT jwt = verified(account, r.json().path("access_token").asText());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(jwt.getHeader().getX509CertSHA256Thumbprint()).isNotNull();
        String issuer = "https://localhost:" + server.server().httpsPort() + base(account);
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(issuer);
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(issuer);
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(client.id());
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo("certificates:read pki:read");
        assertThat(jwt.getJWTClaimsSet().getJWTID()).isNotBlank();
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().getTime()
                        - jwt.getJWTClaimsSet().getIssueTime().getTime())
                .isEqualTo(900_000);

        var narrowed = ApiClients.tokenResponse(
                        server,
                        account,
                        null,
                        "grant_type=client_credentials&scope=pki%3Aread&client_id=" + client.id() + "&client_secret="
                                + URLEncoder.encode(client.secret(), StandardCharsets.UTF_8))
                .assertStatus(200);
        assertThat(verified(account, narrowed.json().path("access_token").asText())
                        .getJWTClaimsSet()
                        .getStringClaim("scope"))
                .isEqualTo("pki:read");

        JsonNode metadata = server.anonymous()
                .get(base(account) + "/.well-known/openid-configuration")
                .assertStatus(200)
                .json();
        assertThat(metadata.path("issuer").asText()).isEqualTo(issuer);
        assertThat(metadata.path("token_endpoint").asText()).isEqualTo(issuer + "/oauth2/token");
        assertThat(metadata.path("jwks_uri").asText()).isEqualTo(issuer + "/.well-known/jwks.json");
        var jwks = server.anonymous().get(base(account) + "/.well-known/jwks.json");
        assertThat(jwks.header("Cache-Control")).isEqualTo("public, max-age=300");
        JWK published = JWKSet.parse(jwks.text()).getKeys().get(0);
        assertThat(published.isPrivate()).isFalse();
        assertThat(published.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(published.getX509CertChain()).hasSize(3);
        assertThat(published.getKeyID()).isEqualTo(published.computeThumbprint().toString());
    }

    @Test
    void anRsaSigningChainSignsRs256AndItsX5cVerifiesWithOpenssl() throws Exception {
        DebianTools.require("openssl");
        String account = server.admin().createVendor("RSA tokens");
        String chain = server.admin()
                .post(
                        base(account) + "/private-chains/generate",
                        Map.of("purpose", "TOKEN_SIGNING", "keyType", "RSA_2048"))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        server.admin()
                .put(base(account) + "/pki-settings", Map.of("signingChainId", chain, "tlsBindings", Map.of()))
                .assertStatus(200);
        Client client = ApiClients.create(server, account, List.of());
        SignedJWT jwt = verified(
                account,
                ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials")
                        .assertStatus(200)
                        .json()
                        .path("access_token")
                        .asText());
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");

        JWK jwk = JWKSet.parse(server.anonymous()
                        .get(base(account) + "/.well-known/jwks.json")
                        .text())
                .getKeys()
                .get(0);
        Path dir = Files.createTempDirectory("x5c");
        Files.write(
                dir.resolve("ca.pem"),
                server.anonymous().get("/api/v1/platform/ca.pem").raw().body());
        Files.writeString(
                dir.resolve("leaf.pem"),
                Pem.block("CERTIFICATE", jwk.getX509CertChain().get(0).decode()));
        Files.writeString(
                dir.resolve("issuing.pem"),
                Pem.block("CERTIFICATE", jwk.getX509CertChain().get(1).decode()));
        var verify =
                DebianTools.run(dir, "openssl", "verify", "-CAfile", "ca.pem", "-untrusted", "issuing.pem", "leaf.pem");
        assertThat(verify.output()).contains("leaf.pem: OK");
    }

    @Test
    void failedClientAuthenticationsAreThrottledPerClient() {
        String account = server.admin().createVendor("Throttled tokens " + System.nanoTime());
        Client client = ApiClients.create(server, account, null);
        Client other = ApiClients.create(server, account, null);
        for (int i = 0; i < 5; i++) {
            assertOAuthError(
                    ApiClients.tokenResponse(
                            server,
                            account,
                            new Client(account, client.id(), "wrong-" + i).basic(),
                            "grant_type=client_credentials"),
                    401,
                    "invalid_client");
        }
        var throttled = ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials");
        assertOAuthError(throttled, 429, "too_many_attempts");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 15 * 60L);
        ApiClients.tokenResponse(server, account, other.basic(), "grant_type=client_credentials")
                .assertStatus(200);
    }

    @Test
    void theTokenEndpointRefusesInRfc6749Form() {
        String account = server.admin().createVendor("Refusing tokens");
        Client client = ApiClients.create(server, account, List.of("pki:read"));
        assertOAuthError(
                ApiClients.tokenResponse(
                        server,
                        account,
                        new Client(account, client.id(), "wrong").basic(),
                        "grant_type=client_credentials"),
                401,
                "invalid_client");
        var unknown = ApiClients.tokenResponse(
                server, account, new Client(account, "cd_nobody", "x").basic(), "grant_type=client_credentials");
        assertOAuthError(unknown, 401, "invalid_client");
        assertThat(unknown.header("WWW-Authenticate")).startsWith("Basic");
        assertOAuthError(
                ApiClients.tokenResponse(server, "no-such-account", client.basic(), "grant_type=client_credentials"),
                401,
                "invalid_client");
        assertOAuthError(
                ApiClients.tokenResponse(server, account, null, "grant_type=client_credentials"),
                401,
                "invalid_client");
        assertOAuthError(
                ApiClients.tokenResponse(server, account, client.basic(), "grant_type=password&username=a&password=b"),
                400,
                "unsupported_grant_type");
        assertOAuthError(
                ApiClients.tokenResponse(server, account, client.basic(), "scope=pki%3Aread"), 400, "invalid_request");
        assertOAuthError(
                ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials&scope=admin"),
                400,
                "invalid_scope");
        assertOAuthError(
                ApiClients.tokenResponse(
                        server, account, client.basic(), "grant_type=client_credentials&client_id=" + client.id()),
                400,
                "invalid_request");
        var json = server.anonymous()
                .sendRawWithHeader(
                        "POST",
                        base(account) + "/oauth2/token",
                        "{\"grant_type\":\"client_credentials\"}".getBytes(StandardCharsets.UTF_8),
                        "application/json",
                        client.basic());
        assertOAuthError(json, 400, "invalid_request");
    }

    @Test
    void withoutASigningChainNoTokenIsSigned() {
        String account = server.admin().createVendor("No signing");
        Client client = ApiClients.create(server, account, List.of());
        Map<String, Object> off = new HashMap<>();
        off.put("signingChainId", null);
        off.put("tlsBindings", Map.of());
        server.admin().put(base(account) + "/pki-settings", off).assertStatus(200);
        assertOAuthError(
                ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials"),
                409,
                "signing_not_configured");
        // The former signing key stays published (passive) while tokens it signed may still be valid; none is active.
        assertThat(server.anonymous()
                        .get(base(account) + "/.well-known/jwks.json")
                        .assertStatus(200)
                        .json()
                        .path("keys"))
                .hasSize(1);
        server.anonymous()
                .get(base("no-such-account") + "/.well-known/jwks.json")
                .assertProblem(404, "not_found");
    }

    @Test
    void aRotatedSecretReplacesTheOldOneAndADeletedClientGetsNoToken() {
        String account = server.admin().createVendor("Rotating secrets");
        Client client = ApiClients.create(server, account, List.of());
        JsonNode rotated = server.admin()
                .post(base(account) + "/api-clients/" + client.id() + "/secret", null)
                .assertStatus(200)
                .json();
        Client renewed =
                new Client(account, client.id(), rotated.path("clientSecret").asText());
        assertThat(renewed.secret()).isNotEqualTo(client.secret()).hasSizeGreaterThanOrEqualTo(43);
        assertOAuthError(
                ApiClients.tokenResponse(server, account, client.basic(), "grant_type=client_credentials"),
                401,
                "invalid_client");
        ApiClients.tokenResponse(server, account, renewed.basic(), "grant_type=client_credentials")
                .assertStatus(200);
        server.admin().delete(base(account) + "/api-clients/" + client.id()).assertStatus(204);
        assertOAuthError(
                ApiClients.tokenResponse(server, account, renewed.basic(), "grant_type=client_credentials"),
                401,
                "invalid_client");
        server.admin().delete(base(account) + "/api-clients/" + client.id()).assertProblem(404, "not_found");
        server.admin()
                .post(base(account) + "/api-clients", Map.of("name", "", "scopes", List.of()))
                .assertProblem(422, "validation_failed");
        server.admin()
                .post(base(account) + "/api-clients", Map.of("name", "x", "scopes", List.of("bad scope")))
                .assertProblem(422, "validation_failed");
        assertThat(server.admin().get(base(account) + "/api-clients").json().path("clients"))
                .isEmpty();
    }

    @Test
    void theKeyIdIsTheRfc7638Thumbprint() throws Exception {
        // RFC 7638 §3.1: this RSA key's thumbprint is NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs.
        RSAKey key = RSAKey.parse(
                "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\"}");
        assertThat(key.computeThumbprint().toString()).isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    }
}
