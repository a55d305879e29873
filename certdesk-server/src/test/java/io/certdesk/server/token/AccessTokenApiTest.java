package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.OnBothDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** External clients call the account's read routes with a token from its token endpoint, and nothing else. */
class AccessTokenApiTest extends OnBothDatabases {
    private static String base(String account) {
        return "/api/v1/accounts/" + account;
    }

    private static Api bearerFor(String account, List<String> scopes) {
        return server.bearer(ApiClients.token(server, ApiClients.create(server, account, scopes)));
    }

    @Test
    void aTokenReadsItsAccountsCertificatesAndPkiSettings() {
        String account = server.admin().createVendor("Token reader");
        var root = TestCa.certificate("CN=Reader Root")
                .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(900)))
                .build();
        server.admin()
                .upload(base(account) + "/trusted-cas", "ca.pem", Pem.bytes(Pem.certificate(root.certificate())))
                .assertStatus(201);
        Api client = bearerFor(account, null); // the default scopes: certificates:read pki-settings:read

        assertThat(client.get(base(account) + "/trusted-cas")
                        .assertStatus(200)
                        .json()
                        .path("certificates"))
                .hasSize(1);
        String certId = client.get(base(account) + "/trusted-cas")
                .json()
                .path("certificates")
                .get(0)
                .path("id")
                .asText();
        client.get(base(account) + "/trusted-cas/" + certId).assertStatus(200);
        assertThat(client.get(base(account) + "/trusted-cas/" + certId + "/pem")
                        .assertStatus(200)
                        .text())
                .startsWith("-----BEGIN CERTIFICATE-----");
        String chainId = client.get(base(account) + "/private-chains")
                .assertStatus(200)
                .json()
                .path("chains")
                .get(0)
                .path("id")
                .asText();
        client.get(base(account) + "/private-chains/" + chainId).assertStatus(200);
        assertThat(client.get(base(account) + "/private-chains/" + chainId + "/chain.pem")
                        .assertStatus(200)
                        .text())
                .doesNotContain("PRIVATE KEY");
        assertThat(client.get(base(account) + "/pki-settings")
                        .assertStatus(200)
                        .json()
                        .path("signingChainId")
                        .asText())
                .isEqualTo(chainId);
    }

    @Test
    void aTokenChangesNothingAndReachesNoOtherRoute() {
        String account = server.admin().createVendor("Token writer");
        Api client = bearerFor(account, null);
        var refused = client.post(base(account) + "/private-chains/generate", Map.of("purpose", "TOKEN_SIGNING"))
                .assertProblem(403, "insufficient_scope");
        assertThat(refused.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"");
        client.delete(base(account) + "/api-clients/whatever").assertProblem(403, "insufficient_scope");
        client.put(base(account) + "/pki-settings", Map.of("tlsBindings", Map.of()))
                .assertProblem(403, "insufficient_scope");
        assertThat(server.admin().get(base(account) + "/private-chains").json().path("chains"))
                .hasSize(1);
        assertThat(server.admin()
                        .get(base(account) + "/pki-settings")
                        .json()
                        .path("signingChainId")
                        .isNull())
                .isFalse();
        client.get("/api/v1/accounts").assertProblem(401, "invalid_token");
        client.get(base(account)).assertProblem(403, "insufficient_scope");
    }

    @Test
    void aTokenWithoutTheRoutesScopeIsRefusedNamingTheScope() {
        String account = server.admin().createVendor("Narrow token");
        Api settingsOnly = bearerFor(account, List.of("pki-settings:read"));
        settingsOnly.get(base(account) + "/pki-settings").assertStatus(200);
        var refused = settingsOnly.get(base(account) + "/trusted-cas").assertProblem(403, "insufficient_scope");
        assertThat(refused.header("WWW-Authenticate"))
                .contains("error=\"insufficient_scope\"")
                .contains("scope=\"certificates:read\"");
        assertThat(refused.json().path("scope").asText()).isEqualTo("certificates:read");
    }

    @Test
    void aTokenOfAnotherAccountIsAnInvalidToken() {
        String vendor = server.admin().createVendor("Token vendor");
        String customer = server.admin().createCustomer("Token customer", vendor);
        String sibling = server.admin().createCustomer("Token sibling", vendor);
        Api customerClient = bearerFor(customer, null);
        Api vendorClient = bearerFor(vendor, null);
        for (var attempt : List.of(
                customerClient.get(base(sibling) + "/trusted-cas"),
                customerClient.get(base(vendor) + "/pki-settings"),
                vendorClient.get(base(customer) + "/private-chains"))) {
            attempt.assertProblem(401, "invalid_token");
            assertThat(attempt.header("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"");
        }
        customerClient.get(base(customer) + "/trusted-cas").assertStatus(200);
    }

    @Test
    void aTamperedTokenOrOneOfADeletedClientIsAnInvalidToken() {
        String account = server.admin().createVendor("Token tamper");
        var created = ApiClients.create(server, account, null);
        String token = ApiClients.token(server, created);
        String[] parts = token.split("\\.");
        String claims = new String(
                        java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("certificates:read", "certificates:write");
        String forged = parts[0] + "."
                + java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[2];
        server.bearer(forged).get(base(account) + "/trusted-cas").assertProblem(401, "invalid_token");
        server.bearer(parts[0] + "." + parts[1] + ".")
                .get(base(account) + "/trusted-cas")
                .assertProblem(401, "invalid_token");
        server.bearer("a.b.c").get(base(account) + "/trusted-cas").assertProblem(401, "invalid_token");

        server.bearer(token).get(base(account) + "/trusted-cas").assertStatus(200);
        server.admin().delete(base(account) + "/api-clients/" + created.id()).assertStatus(204);
        var revoked = server.bearer(token).get(base(account) + "/trusted-cas").assertProblem(401, "invalid_token");
        assertThat(revoked.json().path("detail").asText()).contains("no longer exists");
    }

    /**
     * An account that imports its own signing chain holds the key, so it can sign any token it
     * likes: the server still refuses one that lives longer than any it issues, and an ECDSA
     * signature in its second (high-S) form, so a token has one encoding only.
     */
    @Test
    void aTokenSignedWithTheAccountsOwnKeyIsRefusedWhenItLivesTooLongOrItsSignatureIsHighS() throws Exception {
        String account = server.admin().createVendor("Own key");
        String name = "tokens-" + System.nanoTime() + ".example.test";
        server.admin().setDomains(account, name);
        var leaf = TestCa.certificate("CN=" + name)
                .endEntity()
                .dns(name)
                .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)))
                .build();
        char[] password = "own-key".toCharArray();
        String chain = server.admin()
                .upload(
                        base(account) + "/private-chains/import",
                        "file",
                        "signing.pfx",
                        io.certdesk.pki.testing.Pkcs12Files.jdk(
                                leaf.key(), List.of(leaf.certificate()), password, password),
                        Map.of("password", new String(password)))
                .firstImportedId();
        server.admin()
                .put(base(account) + "/pki-settings", Map.of("signingChainId", chain))
                .assertStatus(200);
        var client = ApiClients.create(server, account, null);
        String issued = ApiClients.token(server, client);
        String[] parts = issued.split("\\.");
        java.math.BigInteger order = ((java.security.interfaces.ECPublicKey)
                        leaf.certificate().getPublicKey())
                .getParams()
                .getOrder();
        byte[] issuedSignature = java.util.Base64.getUrlDecoder().decode(parts[2]);
        assertThat(new java.math.BigInteger(1, java.util.Arrays.copyOfRange(issuedSignature, 32, 64)))
                .as("the server's own tokens carry low-S signatures")
                .isLessThanOrEqualTo(order.shiftRight(1));

        var claims = new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(java.util.Base64.getUrlDecoder().decode(parts[1]), java.util.LinkedHashMap.class);
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now);
        claims.put("exp", Instant.parse("3000-01-01T00:00:00Z").getEpochSecond());
        server.bearer(signed(parts[0], claims, leaf.key(), order, true))
                .get(base(account) + "/trusted-cas")
                .assertProblem(401, "invalid_token");

        claims.put("exp", now + 600);
        String lowS = signed(parts[0], claims, leaf.key(), order, true);
        String highS = signed(parts[0], claims, leaf.key(), order, false);
        server.bearer(lowS).get(base(account) + "/trusted-cas").assertStatus(200); // the same token, as signed
        server.bearer(highS).get(base(account) + "/trusted-cas").assertProblem(401, "invalid_token");
    }

    /** header.claims signed with ES256 by {@code key}, its S in the low (or the high) of its two forms. */
    private static String signed(
            String header, Map<?, ?> claims, java.security.PrivateKey key, java.math.BigInteger order, boolean low)
            throws Exception {
        var b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String input = header + "."
                + b64.encodeToString(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(claims));
        java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(key);
        ecdsa.update(input.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] rs = com.nimbusds.jose.crypto.impl.ECDSA.transcodeSignatureToConcat(ecdsa.sign(), 64);
        java.math.BigInteger s = new java.math.BigInteger(1, java.util.Arrays.copyOfRange(rs, 32, 64));
        boolean isLow = s.compareTo(order.shiftRight(1)) <= 0;
        if (isLow != low) {
            byte[] other = order.subtract(s).toByteArray();
            java.util.Arrays.fill(rs, 32, 64, (byte) 0);
            int n = Math.min(other.length, 32);
            System.arraycopy(other, other.length - n, rs, 64 - n, n);
        }
        return input + "." + b64.encodeToString(rs);
    }
}
