package io.certdesk.server.chains;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.Jwks;
import io.certdesk.server.testing.MutableClock;
import io.certdesk.server.testing.OpenSslClient;
import io.certdesk.server.testing.Publications;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated chains renew themselves at their renewal point, or at once by hand: a TLS chain's
 * bindings move to its successor and the next handshakes show it, the predecessor is revoked as
 * superseded once nothing serves it; a signing chain's successor is published before it signs.
 * Time is moved by the server's clock, never by sleeping.
 */
class ChainRenewalTest extends FreshServerOnBothDatabases {
    private final MutableClock clock = new MutableClock();

    private static String chains(String account) {
        return "/api/v1/accounts/" + account + "/private-chains";
    }

    private JsonNode chain(Api admin, String account, String chainId) {
        return admin.get(chains(account) + "/" + chainId).assertStatus(200).json();
    }

    private static int count(Api admin, String account) {
        return admin.get(chains(account))
                .assertStatus(200)
                .json()
                .path("chains")
                .size();
    }

    @Test
    void aTlsChainAtItsRenewalPointIsReissuedBoundServedAndItsPredecessorRevokedAsSuperseded(@TempDir Path dir)
            throws Exception {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        String name = "print.renewal.test";
        String account = server.admin().createVendor("Renewals");
        server.admin().setDomains(account, name);
        String old = server.admin().generateTlsChain(account, name, Map.of("validityDays", 30, "keyType", "EC_P384"));
        server.admin().bindTls(account, name, old).assertStatus(200);
        JsonNode before = chain(server.admin(), account, old);
        Instant notBefore = Instant.parse(before.path("notBefore").asText());
        Duration life = Duration.between(
                notBefore, Instant.parse(before.path("notAfter").asText()));
        assertThat(Instant.parse(before.path("renewal").path("renewAt").asText()))
                .as("two thirds of its life, as 67 %")
                .isEqualTo(notBefore.plus(life.multipliedBy(67).dividedBy(100)));
        Path caFile = server.platformCaFile(dir);
        int port = server.server().httpsPort();
        assertThat(OpenSslClient.connect(dir, port, Optional.of(name), caFile).leafSha256())
                .isEqualTo(before.path("sha256").asText());
        List<X509Certificate> oldCertificates = server.admin().chainCertificates(account, old);

        clock.advance(Duration.ofDays(21));
        Api admin = server.adminSignedInAgain();
        Eventually.holds(
                "the chain is renewed",
                () -> chain(admin, account, old).path("renewal").has("renewedBy"));
        JsonNode renewed = chain(admin, account, old);
        String fresh = renewed.path("renewal").path("renewedBy").asText();
        JsonNode next = chain(admin, account, fresh);
        assertThat(next.path("dnsNames")).extracting(JsonNode::asText).containsExactly(name);
        assertThat(next.path("keyAlgorithm").asText()).isEqualTo("EC");
        assertThat(next.path("keySize").asInt()).isEqualTo(384);
        assertThat(Duration.between(
                        Instant.parse(next.path("notBefore").asText()),
                        Instant.parse(next.path("notAfter").asText())))
                .as("the same lifetime")
                .isEqualTo(life);
        assertThat(next.path("renewal").path("renewedFrom").asText()).isEqualTo(old);
        assertThat(admin.get("/api/v1/accounts/" + account + "/pki-settings")
                        .json()
                        .path("tlsBindings")
                        .path(name)
                        .asText())
                .as("the binding moved with it")
                .isEqualTo(fresh);
        String at = String.valueOf(clock.instant().getEpochSecond());
        Eventually.holds(
                "the next handshake presents the new chain",
                () -> OpenSslClient.connect(dir, port, Optional.of(name), caFile, "-attime", at)
                        .leafSha256()
                        .equals(next.path("sha256").asText()));
        assertThat(OpenSslClient.connect(dir, port, Optional.of(name), caFile, "-attime", at)
                        .verified())
                .isTrue();
        assertThat(status(oldCertificates))
                .as("served until the nodes have the new one")
                .isNull();

        clock.advance(ChainRenewalService.TLS_HANDOVER.plusSeconds(5));
        Eventually.holds("the old chain is revoked", () -> status(oldCertificates) instanceof RevokedStatus);
        RevokedStatus revoked = (RevokedStatus) status(oldCertificates);
        assertThat(revoked.getRevocationReason()).as("superseded (4)").isEqualTo(4);
        assertThat(chain(admin, account, old).path("revocation").path("reason").asText())
                .isEqualTo("superseded");
        assertThat(admin.get("/api/v1/accounts/" + account + "/audit").text()).contains("CHAIN_RENEWED");
    }

    /** The OCSP status of a chain's leaf as the platform's responder gives it (null: good). */
    private CertificateStatus status(List<X509Certificate> chain) throws Exception {
        BasicOCSPResp answer = Publications.ask(server, Publications.ocspRequest(chain.get(0), chain.get(1), true));
        return answer.getResponses()[0].getCertStatus();
    }

    @Test
    void renewingByHandDoesAtOnceWhatTheRenewalDoesAndWhatCannotBeRenewedIsRefusedWithNothingChanged() {
        server = TestServer.start(database);
        Api admin = server.admin();
        String name = "kiosk.by-hand.test";
        String account = admin.createVendor("By hand");
        admin.setDomains(account, name);
        String old = admin.generateTlsChain(account, name, Map.of());
        admin.bindTls(account, name, old).assertStatus(200);

        var answer =
                admin.post(chains(account) + "/" + old + "/renew", Map.of()).assertStatus(201);
        String fresh = answer.json().path("id").asText();
        assertThat(answer.header("Location")).isEqualTo(chains(account) + "/" + fresh);
        assertThat(answer.json().path("origin").asText()).isEqualTo("GENERATED");
        assertThat(answer.json().path("renewal").path("renewedFrom").asText()).isEqualTo(old);
        assertThat(chain(admin, account, old).path("renewal").path("renewedBy").asText())
                .isEqualTo(fresh);
        assertThat(admin.get("/api/v1/accounts/" + account + "/pki-settings")
                        .json()
                        .path("tlsBindings")
                        .path(name)
                        .asText())
                .isEqualTo(fresh);
        int chainsNow = count(admin, account);

        admin.post(chains(account) + "/" + old + "/renew", Map.of()).assertProblem(409, "already_renewed");

        var leaf = TestCa.certificate("CN=" + name)
                .endEntity()
                .dns(name)
                .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(90)))
                .build();
        char[] password = "renewal-test".toCharArray();
        String imported = admin.upload(
                        chains(account) + "/import",
                        "file",
                        "kiosk.pfx",
                        Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate()), password, password),
                        Map.of("password", new String(password)))
                .assertStatus(201)
                .json()
                .path("imported")
                .get(0)
                .path("id")
                .asText();
        chainsNow++;
        admin.post(chains(account) + "/" + imported + "/renew", Map.of()).assertProblem(409, "not_renewable");

        String other = admin.createVendor("Someone else");
        admin.post(chains(other) + "/" + fresh + "/renew", Map.of()).assertProblem(404, "not_found");
        admin.post(chains(account) + "/00000000-0000-0000-0000-000000000000/renew", Map.of())
                .assertProblem(404, "not_found");

        admin.bindTls(account, name, imported).assertStatus(200);
        admin.post(chains(account) + "/" + fresh + "/revoke", Map.of("reason", "keyCompromise"))
                .assertStatus(200);
        admin.post(chains(account) + "/" + fresh + "/renew", Map.of()).assertProblem(409, "already_revoked");

        assertThat(count(admin, account)).as("no refusal stored a chain").isEqualTo(chainsNow);
        assertThat(count(admin, other)).isEqualTo(1); // its signing chain only
    }

    @Test
    void aRenewedSigningChainIsPublishedAsNextSignsAfterTheCacheTimeAndTheOldKeyVerifiesItsTokensUntilTheyEnd()
            throws Exception {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        Api admin = server.admin();
        String account = admin.createVendor("Signing renewal");
        String settingsPath = "/api/v1/accounts/" + account + "/pki-settings";
        String current = admin.get(settingsPath).json().path("signingChainId").asText();
        var client = ApiClients.create(server, account, null);
        String oldToken = ApiClients.token(server, client);

        JsonNode fresh = admin.post(chains(account) + "/" + current + "/renew", Map.of())
                .assertStatus(201)
                .json();
        assertThat(fresh.path("purposes")).extracting(JsonNode::asText).containsExactly("TOKEN_SIGNING");
        JsonNode settings = admin.get(settingsPath).json();
        assertThat(settings.path("signingChainId").asText()).as("still signing").isEqualTo(current);
        assertThat(settings.path("nextSigningChainId").asText())
                .isEqualTo(fresh.path("id").asText());
        Instant activateAt = Instant.parse(settings.path("activateAt").asText());
        assertThat(activateAt)
                .isAfter(clock.instant().plus(Duration.ofMinutes(5)).minusSeconds(1));
        JWKSet published = Jwks.fetch(server, account);
        assertThat(published.getKeys()).as("the new key is published at once").hasSize(2);
        String beforeActivation = ApiClients.token(server, client);
        assertThat(SignedJWT.parse(beforeActivation).getHeader().getKeyID())
                .isEqualTo(SignedJWT.parse(oldToken).getHeader().getKeyID());
        admin.post(chains(account) + "/" + current + "/renew", Map.of()).assertProblem(409, "already_renewed");

        clock.advance(Duration.ofMinutes(6));
        String newToken = ApiClients.token(server, client);
        JWKSet keys = Jwks.fetch(server, account);
        assertThat(SignedJWT.parse(newToken).getHeader().getKeyID())
                .as("the new key signs")
                .isNotEqualTo(SignedJWT.parse(oldToken).getHeader().getKeyID());
        assertThat(Jwks.verifies(keys, newToken)).isTrue();
        assertThat(Jwks.verifies(keys, oldToken))
                .as("a token signed before verifies")
                .isTrue();
        assertThat(server.bearer(oldToken).get(chains(account)).status()).isEqualTo(200);
        JsonNode after = server.adminSignedInAgain().get(settingsPath).json();
        assertThat(after.path("signingChainId").asText())
                .isEqualTo(fresh.path("id").asText());
        assertThat(after.path("signingKeys").get(1).path("chainId").asText()).isEqualTo(current);
        assertThat(after.path("signingKeys").get(1).path("state").asText()).isEqualTo("PASSIVE");

        clock.advance(Duration.ofMinutes(20)); // past the 15-minute tokens signed before the activation
        assertThat(Jwks.fetch(server, account).getKeys())
                .as("the old key retired")
                .hasSize(1);
        Api later = server.adminSignedInAgain();
        Eventually.holds(
                "the old signing chain is revoked as superseded",
                () -> "superseded"
                        .equals(chain(later, account, current)
                                .path("revocation")
                                .path("reason")
                                .asText()));
    }

    @Test
    void theSigningChainRenewsByItselfAndTheJwksHoldsTheNextKeyBeforeItSigns() throws Exception {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        Api admin = server.admin();
        String account = admin.createVendor("Signing by itself");
        String settingsPath = "/api/v1/accounts/" + account + "/pki-settings";
        String current = admin.get(settingsPath).json().path("signingChainId").asText();
        admin.put("/api/v1/accounts/" + account + "/lifecycle-settings", Map.of("renewAtPercent", 10))
                .assertStatus(200); // 73 of its 730 days
        var client = ApiClients.create(server, account, null);

        clock.advance(Duration.ofDays(74));
        Api later = server.adminSignedInAgain();
        Eventually.holds(
                "the signing chain is renewed",
                () -> later.get(settingsPath).json().has("nextSigningChainId")
                        && !later.get(settingsPath)
                                .json()
                                .path("nextSigningChainId")
                                .isNull());
        JsonNode settings = later.get(settingsPath).json();
        String next = settings.path("nextSigningChainId").asText();
        assertThat(settings.path("signingChainId").asText())
                .as("the old one signs until then")
                .isEqualTo(current);
        assertThat(chain(later, account, current)
                        .path("renewal")
                        .path("renewedBy")
                        .asText())
                .isEqualTo(next);
        String before = ApiClients.token(server, client);
        assertThat(Jwks.fetch(server, account).getKeys())
                .as("NEXT published beside ACTIVE")
                .hasSize(2);

        clock.advance(Duration.ofMinutes(6));
        String after = ApiClients.token(server, client);
        assertThat(SignedJWT.parse(after).getHeader().getKeyID())
                .isNotEqualTo(SignedJWT.parse(before).getHeader().getKeyID());
        JWKSet keys = Jwks.fetch(server, account);
        assertThat(Jwks.verifies(keys, before))
                .as("signed before, verifies until it ends")
                .isTrue();
        assertThat(Jwks.verifies(keys, after)).isTrue();
    }

    @Test
    void aRenewalThatCannotBeDoneIsRetriedWithBackOffAndReportedWithNothingHalfDone() throws Exception {
        server = TestServer.start(database, KeyType.EC_P256, clock);
        Api admin = server.admin();
        String account = admin.createVendor("Failing renewal");
        admin.setDomains(account, "gone.failing.test", "kept.failing.test");
        String chainId = admin.generateTlsChain(account, "gone.failing.test", Map.of("validityDays", 3));
        admin.setDomains(account, "kept.failing.test");
        int chainsBefore = count(admin, account);

        clock.advance(Duration.ofDays(2).plusHours(1)); // past 67 % of 3 days
        Api later = server.adminSignedInAgain();
        Eventually.holds(
                "the renewal fails",
                () -> chain(later, account, chainId)
                                .path("renewal")
                                .path("failures")
                                .asInt()
                        == 1);
        JsonNode renewal = chain(later, account, chainId).path("renewal");
        assertThat(renewal.path("lastError").path("code").asText()).isEqualTo("domain_not_allowed");
        assertThat(renewal.path("lastError").path("message").asText()).contains("gone.failing.test");
        Instant failedAt = Instant.parse(renewal.path("lastError").path("at").asText());
        assertThat(Instant.parse(renewal.path("renewAt").asText()))
                .as("retried 5 minutes later")
                .isEqualTo(failedAt.plus(Duration.ofMinutes(5)));
        assertThat(count(later, account)).as("nothing stored").isEqualTo(chainsBefore);
        assertThat(later.get("/api/v1/accounts/" + account + "/audit").text()).contains("CHAIN_RENEWAL_FAILED");
        assertThat(server.anonymous().get("/metrics").text())
                .contains("certdesk_renewals_total{outcome=\"failed\"} 1.0");

        clock.advance(Duration.ofMinutes(6));
        Eventually.holds(
                "it fails again",
                () -> chain(later, account, chainId)
                                .path("renewal")
                                .path("failures")
                                .asInt()
                        == 2);
        JsonNode second = chain(later, account, chainId).path("renewal");
        assertThat(Duration.between(
                        Instant.parse(second.path("lastError").path("at").asText()),
                        Instant.parse(second.path("renewAt").asText())))
                .as("then 10 minutes")
                .isEqualTo(Duration.ofMinutes(10));

        later.setDomains(account, "gone.failing.test", "kept.failing.test");
        clock.advance(Duration.ofMinutes(11));
        Eventually.holds(
                "renewed once the domain is back",
                () -> chain(later, account, chainId).path("renewal").has("renewedBy"));
        assertThat(count(later, account)).isEqualTo(chainsBefore + 1);
    }

    @Test
    void lifecycleSettingsRescheduleWaitingRenewalsAndBadOnesAreRefusedWithNothingChanged() {
        server = TestServer.start(database);
        Api admin = server.admin();
        String account = admin.createVendor("Lifecycle settings");
        admin.setDomains(account, "a.lifecycle.test");
        String chainId = admin.generateTlsChain(account, "a.lifecycle.test", Map.of("validityDays", 90));
        String path = "/api/v1/accounts/" + account + "/lifecycle-settings";
        JsonNode defaults = admin.get(path).assertStatus(200).json();
        assertThat(defaults.path("autoRenew").asBoolean()).isTrue();
        assertThat(defaults.path("renewAtPercent").asInt()).isEqualTo(67);
        assertThat(defaults.has("renewDaysBefore")).isFalse();
        assertThat(defaults.path("expiryNoticeDays"))
                .extracting(JsonNode::asInt)
                .containsExactly(30, 14, 7, 1);

        JsonNode byDays = admin.put(path, Map.of("renewDaysBefore", 20, "expiryNoticeDays", List.of(7, 60)))
                .assertStatus(200)
                .json();
        assertThat(byDays.path("renewDaysBefore").asInt()).isEqualTo(20);
        assertThat(byDays.has("renewAtPercent")).isFalse();
        assertThat(byDays.path("expiryNoticeDays")).extracting(JsonNode::asInt).containsExactly(60, 7);
        JsonNode chain = chain(admin, account, chainId);
        assertThat(Instant.parse(chain.path("renewal").path("renewAt").asText()))
                .isEqualTo(Instant.parse(chain.path("notAfter").asText()).minus(Duration.ofDays(20)));

        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("renewAtPercent", 50, "renewDaysBefore", 5),
                Map.of("renewAtPercent", 5),
                Map.of("renewDaysBefore", 0),
                Map.of("expiryNoticeDays", List.of(0)),
                Map.of("expiryNoticeDays", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9)))) {
            admin.put(path, bad).assertProblem(422, "validation_failed");
        }
        assertThat(admin.get(path).json()).as("unchanged").isEqualTo(byDays);

        admin.put(path, Map.of("autoRenew", false)).assertStatus(200);
        assertThat(chain(admin, account, chainId).path("renewal").has("renewAt"))
                .as("not renewed by itself")
                .isFalse();
        String other = admin.createVendor("Another");
        admin.createUser(other, "other-admin", "other-admin-password-1");
        Api outsider = server.anonymous().login("other-admin", "other-admin-password-1");
        outsider.put(path, Map.of("autoRenew", true)).assertProblem(404, "not_found");
        assertThat(admin.get(path).json().path("autoRenew").asBoolean()).isFalse();
    }
}
