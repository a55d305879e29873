package io.certdesk.server.acme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.server.testing.AcmeTestClient;
import io.certdesk.server.testing.OnBothDatabases;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ACME protocol's rules as a client meets them, with a JWS client of the test's own. */
class AcmeProtocolTest extends OnBothDatabases {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static String accountWith(String... domains) {
        String account = server.admin().createVendor("ACME protocol " + System.nanoTime());
        server.admin().setDomains(account, domains);
        return account;
    }

    private static JsonNode eab(String account) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/acme/eab", Map.of())
                .assertStatus(201)
                .json();
    }

    private static AcmeTestClient client(String account) throws Exception {
        return new AcmeTestClient(
                "https://localhost:" + server.server().httpsPort() + "/acme/" + account + "/directory",
                server.server().platformCa().root());
    }

    private static void assertProblem(AcmeTestClient.Answer answer, int status, String type) {
        assertThat(answer.status()).as(answer.json().toString()).isEqualTo(status);
        assertThat(answer.problemType()).isEqualTo("urn:ietf:params:acme:error:" + type);
        assertThat(answer.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(answer.raw().headers().firstValue("Replay-Nonce")).isPresent();
    }

    @Test
    void anAccountIsMadeOnlyWithAnUnusedBindingWhoseMacVerifies() throws Exception {
        String account = accountWith("eab-" + System.nanoTime() + ".acme.test");
        AcmeTestClient client = client(account);
        assertThat(client.directory()
                        .path("meta")
                        .path("externalAccountRequired")
                        .asBoolean())
                .isTrue();
        String newAccount = client.directory().path("newAccount").asText();
        assertProblem(client.send(newAccount, Map.of("termsOfServiceAgreed", true)), 400, "externalAccountRequired");

        JsonNode credential = eab(account);
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        assertProblem(
                client.register(credential.path("keyId").asText(), B64.encodeToString(wrong)), 403, "unauthorized");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/acme/eab")
                        .json()
                        .path("credentials")
                        .get(0)
                        .path("acmeAccountId")
                        .isNull())
                .isTrue();

        var made = client.register(
                credential.path("keyId").asText(), credential.path("hmacKey").asText());
        assertThat(made.status()).as(made.json().toString()).isEqualTo(201);
        assertThat(made.json().path("status").asText()).isEqualTo("valid");
        // the same key finds the same account; another key cannot take the bound credential
        var again = client(account);
        var existing = client.post(
                newAccount, client.jws(newAccount, client.nonce(), Map.of("onlyReturnExisting", true), true));
        assertThat(existing.status()).isEqualTo(200);
        assertThat(existing.raw().headers().firstValue("Location"))
                .isEqualTo(made.raw().headers().firstValue("Location"));
        assertProblem(
                again.register(
                        credential.path("keyId").asText(),
                        credential.path("hmacKey").asText()),
                403,
                "unauthorized");
        // a credential of another account does not bind here
        String other = accountWith("eab-other-" + System.nanoTime() + ".acme.test");
        JsonNode foreign = eab(other);
        assertProblem(
                client(account)
                        .register(
                                foreign.path("keyId").asText(),
                                foreign.path("hmacKey").asText()),
                403,
                "unauthorized");
        // and another account's directory does not know this one
        assertProblem(
                client(other).send(client(other).directory().path("newOrder").asText(), Map.of()), 400, "malformed");
    }

    @Test
    void aReplayedNonceAWrongUrlAndAMacAlgorithmAreRefused() throws Exception {
        String account = accountWith("nonce-" + System.nanoTime() + ".acme.test");
        AcmeTestClient client = client(account);
        JsonNode credential = eab(account);
        String location = client.register(
                        credential.path("keyId").asText(),
                        credential.path("hmacKey").asText())
                .raw()
                .headers()
                .firstValue("Location")
                .orElseThrow();
        String nonce = client.nonce();
        assertThat(client.post(location, client.jws(location, nonce, null, false))
                        .status())
                .isEqualTo(200);
        assertProblem(client.post(location, client.jws(location, nonce, null, false)), 400, "badNonce");
        assertProblem(client.post(location, client.jws(location, "bm90LW91cnM", null, false)), 400, "badNonce");
        String newOrder = client.directory().path("newOrder").asText();
        assertProblem(
                client.post(newOrder, client.jws(location, client.nonce(), Map.of(), false)), 403, "unauthorized");
        String hs = "{\"protected\":\""
                + B64.encodeToString(("{\"alg\":\"HS256\",\"nonce\":\"" + client.nonce() + "\",\"url\":\"" + newOrder
                                + "\",\"kid\":\"" + location + "\"}")
                        .getBytes())
                + "\",\"payload\":\"\",\"signature\":\"AAAA\"}";
        assertProblem(client.post(newOrder, hs), 400, "badSignatureAlgorithm");
    }

    @Test
    void onlyTheAccountsOwnNamesAreOrderedAndAPrevalidatedOrderIsIssuedForACsrOfExactlyItsNames() throws Exception {
        String domain = "kiosk-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        String theirs = "theirs-" + System.nanoTime() + ".acme.test";
        accountWith(theirs);
        AcmeTestClient client = client(account);
        JsonNode credential = eab(account);
        client.register(
                credential.path("keyId").asText(), credential.path("hmacKey").asText());
        String newOrder = client.directory().path("newOrder").asText();
        for (String name : List.of(theirs, "*." + domain)) {
            assertProblem(
                    client.send(newOrder, Map.of("identifiers", List.of(Map.of("type", "dns", "value", name)))),
                    400,
                    "rejectedIdentifier");
        }
        assertProblem(
                client.send(newOrder, Map.of("identifiers", List.of(Map.of("type", "ip", "value", "127.0.0.1")))),
                400,
                "unsupportedIdentifier");
        var pending = client.send(newOrder, Map.of("identifiers", List.of(Map.of("type", "dns", "value", domain))));
        assertThat(pending.status()).isEqualTo(201);
        assertThat(pending.json().path("status").asText()).isEqualTo("pending");
        assertProblem(
                client.send(pending.json().path("finalize").asText(), Map.of("csr", "AAAA")), 403, "orderNotReady");
        JsonNode authz = client.send(
                        pending.json().path("authorizations").get(0).asText(), null)
                .json();
        assertThat(authz.path("challenges"))
                .extracting(c -> c.path("type").asText())
                .containsExactlyInAnyOrder("http-01", "tls-alpn-01");

        server.admin()
                .put("/api/v1/accounts/" + account + "/acme/settings", Map.of("domainsPrevalidated", true))
                .assertStatus(200);
        var ready = client.send(newOrder, Map.of("identifiers", List.of(Map.of("type", "dns", "value", domain))));
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
        var keys = KeyPairs.generate(KeyType.EC_P256, new SecureRandom());
        String finalize = ready.json().path("finalize").asText();
        assertProblem(
                client.send(
                        finalize,
                        Map.of(
                                "csr",
                                B64.encodeToString(
                                        Pkcs10.build(keys, KeyType.EC_P256, List.of(domain, "www." + domain))))),
                400,
                "badCSR");
        var valid = client.send(
                finalize, Map.of("csr", B64.encodeToString(Pkcs10.build(keys, KeyType.EC_P256, List.of(domain)))));
        assertThat(valid.status()).as(valid.json().toString()).isEqualTo(200);
        assertThat(valid.json().path("status").asText()).isEqualTo("valid");
        var pem = client.send(valid.json().path("certificate").asText(), null);
        assertThat(pem.raw().headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/pem-certificate-chain");
        var chain = java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(pem.raw().body()));
        assertThat(chain).hasSize(2);
        var leaf = (java.security.cert.X509Certificate) chain.iterator().next();
        assertThat(leaf.getPublicKey()).isEqualTo(keys.getPublic());

        // renewal information by the RFC 9773 certID: a window inside the certificate's life
        byte[] aki = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(
                        org.bouncycastle.asn1.ASN1OctetString.getInstance(leaf.getExtensionValue("2.5.29.35"))
                                .getOctets())
                .getKeyIdentifier();
        String certId = B64.encodeToString(aki) + "."
                + B64.encodeToString(leaf.getSerialNumber().toByteArray());
        var http = java.net.http.HttpClient.newBuilder()
                .sslContext(io.certdesk.pki.tls.TrustingContext.trustingOnly(
                        List.of(server.server().platformCa().root())))
                .build();
        var info = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                client.directory().path("renewalInfo").asText() + "/" + certId))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(200);
        JsonNode window = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(info.body())
                .path("suggestedWindow");
        java.time.Instant start = java.time.Instant.parse(window.path("start").asText());
        assertThat(start)
                .isAfter(leaf.getNotBefore().toInstant())
                .isBefore(leaf.getNotAfter().toInstant());
        assertThat(info.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void theHourlyOrderLimitIsThePlatformAdminsToSetAndOrdersBeyondItAreRateLimited() throws Exception {
        String domain = "limit-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        String settings = "/api/v1/accounts/" + account + "/acme/settings";
        server.admin().createUser(account, "acme-admin-" + account, "a-long-enough-password-1");
        var own = server.anonymous().login("acme-admin-" + account, "a-long-enough-password-1");

        own.put(settings, Map.of("ordersPerHour", 100_000)).assertProblem(403, "forbidden");
        own.put(settings, Map.of("domainsPrevalidated", true, "ordersPerHour", 2))
                .assertProblem(403, "forbidden");
        assertThat(own.get(settings)
                        .assertStatus(200)
                        .json()
                        .path("ordersPerHour")
                        .asInt())
                .isEqualTo(300);
        assertThat(own.get(settings).json().path("domainsPrevalidated").asBoolean())
                .isFalse();
        server.admin().put(settings, Map.of("ordersPerHour", 0)).assertProblem(422, "validation_failed");
        server.admin().put(settings, Map.of("ordersPerHour", 100_001)).assertProblem(422, "validation_failed");
        assertThat(own.get(settings).json().path("ordersPerHour").asInt()).isEqualTo(300);
        // the account's own admin still chooses validation; the limit it cannot change stays
        own.put(settings, Map.of("domainsPrevalidated", true, "ordersPerHour", 300))
                .assertStatus(200);
        assertThat(server.admin()
                        .put(settings, Map.of("ordersPerHour", 2))
                        .assertStatus(200)
                        .json()
                        .path("ordersPerHour")
                        .asInt())
                .isEqualTo(2);

        AcmeTestClient client = client(account);
        JsonNode credential = eab(account);
        client.register(
                credential.path("keyId").asText(), credential.path("hmacKey").asText());
        String newOrder = client.directory().path("newOrder").asText();
        Map<String, Object> order = Map.of("identifiers", List.of(Map.of("type", "dns", "value", domain)));
        assertThat(client.send(newOrder, order).status()).isEqualTo(201);
        assertThat(client.send(newOrder, order).status()).isEqualTo(201);
        var third = client.send(newOrder, order);
        assertProblem(third, 429, "rateLimited");
        assertThat(third.raw().headers().firstValue("Retry-After")).isPresent();
        assertThat(client.send(client.directory().path("newOrder").asText(), order)
                        .status())
                .isEqualTo(429);
        assertThat(own.get(settings).json().path("domainsPrevalidated").asBoolean())
                .isTrue();
    }

    @Test
    void aCertificateIsRevokedByARequestSignedWithItsOwnKeyAndNotByAStrangersKey() throws Exception {
        String domain = "own-key-" + System.nanoTime() + ".acme.test";
        String account = accountWith(domain);
        server.admin()
                .put("/api/v1/accounts/" + account + "/acme/settings", Map.of("domainsPrevalidated", true))
                .assertStatus(200);
        AcmeTestClient client = client(account);
        JsonNode credential = eab(account);
        client.register(
                credential.path("keyId").asText(), credential.path("hmacKey").asText());
        var ready = client.send(
                client.directory().path("newOrder").asText(),
                Map.of("identifiers", List.of(Map.of("type", "dns", "value", domain))));
        var keys = KeyPairs.generate(KeyType.EC_P256, new SecureRandom());
        var valid = client.send(
                ready.json().path("finalize").asText(),
                Map.of("csr", B64.encodeToString(Pkcs10.build(keys, KeyType.EC_P256, List.of(domain)))));
        var leaf = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(
                        client.send(valid.json().path("certificate").asText(), null)
                                .raw()
                                .body()))
                .iterator()
                .next();
        String record = "/api/v1/accounts/" + account + "/certificates/"
                + leaf.getSerialNumber().toString(16);
        Map<String, Object> revoke = Map.of("certificate", B64.encodeToString(leaf.getEncoded()), "reason", 1);

        AcmeTestClient stranger = client(account);
        String revokeCert = stranger.directory().path("revokeCert").asText();
        assertProblem(
                stranger.post(revokeCert, stranger.jws(revokeCert, stranger.nonce(), revoke, true)),
                403,
                "unauthorized");
        assertThat(server.admin()
                        .get(record)
                        .assertStatus(200)
                        .json()
                        .path("revocation")
                        .isNull())
                .isTrue();

        AcmeTestClient owner = new AcmeTestClient(
                client.directoryUrl,
                server.server().platformCa().root(),
                new com.nimbusds.jose.jwk.ECKey.Builder(
                                com.nimbusds.jose.jwk.Curve.P_256,
                                (java.security.interfaces.ECPublicKey) keys.getPublic())
                        .privateKey((java.security.interfaces.ECPrivateKey) keys.getPrivate())
                        .build());
        var revoked = owner.post(revokeCert, owner.jws(revokeCert, owner.nonce(), revoke, true));
        assertThat(revoked.status()).as(revoked.json().toString()).isEqualTo(200);
        JsonNode revocation = server.admin().get(record).json().path("revocation");
        assertThat(revocation.path("reason").asText()).isEqualTo("keyCompromise");
        assertProblem(
                owner.post(revokeCert, owner.jws(revokeCert, owner.nonce(), revoke, true)), 400, "alreadyRevoked");
    }
}
