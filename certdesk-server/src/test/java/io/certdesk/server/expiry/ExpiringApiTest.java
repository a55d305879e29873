package io.certdesk.server.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What ends soon, as an account's admins and the platform admin ask for it: trusted CAs, chains
 * and the certificates above a leaf that end first, soonest first, with what depends on each.
 */
class ExpiringApiTest extends FreshServerOnBothDatabases {
    private static final char[] PASSWORD = "expiring-test".toCharArray();

    private static String base(String account) {
        return "/api/v1/accounts/" + account;
    }

    private static List<String> kinds(JsonNode listing) {
        List<String> out = new ArrayList<>();
        listing.path("items").forEach(i -> out.add(i.path("kind").asText()));
        return out;
    }

    @Test
    void anAccountSeesWhatEndsWithinTheWindowSoonestFirstWithWhatDependsOnIt() {
        server = TestServer.start(database);
        Api admin = server.admin();
        Instant now = Instant.now();
        String account = admin.createVendor("Expiring");
        String domain = "print.expiring.test";
        String imported = "pfx.expiring.test";
        admin.setDomains(account, domain, imported);

        var soon = TestCa.certificate("O=Expiring,CN=LDAP CA ending in 10 days")
                .validity(now.minus(Duration.ofDays(100)), now.plus(Duration.ofDays(10)))
                .build();
        var later = TestCa.certificate("O=Expiring,CN=CA ending in 100 days")
                .validity(now.minus(Duration.ofDays(100)), now.plus(Duration.ofDays(100)))
                .build();
        admin.upload(base(account) + "/trusted-cas", "soon.pem", Pem.bytes(Pem.certificate(soon.certificate())))
                .assertStatus(201);
        admin.upload(base(account) + "/trusted-cas", "later.pem", Pem.bytes(Pem.certificate(later.certificate())))
                .assertStatus(201);
        String shortChain = admin.generateTlsChain(account, domain, Map.of("validityDays", 20));
        admin.bindTls(account, domain, shortChain).assertStatus(200);
        admin.generateTlsChain(account, domain, Map.of("validityDays", 90));

        var root = TestCa.certificate("O=Expiring,CN=PFX Root")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(900)))
                .build();
        var intermediate = TestCa.certificate("O=Expiring,CN=PFX Intermediate ending in 5 days")
                .issuedBy(root)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(5)))
                .build();
        var leaf = TestCa.certificate("CN=" + imported)
                .issuedBy(intermediate)
                .endEntity()
                .dns(imported)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(60)))
                .build();
        byte[] pfx = new Pkcs12Files.Custom(
                        leaf.key(), List.of(leaf.certificate(), intermediate.certificate(), root.certificate()))
                .keyBelongsTo(leaf.certificate())
                .build(PASSWORD);
        String importedChain = admin.upload(
                        base(account) + "/private-chains/import",
                        "file",
                        "pfx.pfx",
                        pfx,
                        Map.of("password", new String(PASSWORD)))
                .assertStatus(201)
                .json()
                .path("imported")
                .get(0)
                .path("id")
                .asText();

        JsonNode month = admin.get(base(account) + "/expiring?within=P30D")
                .assertStatus(200)
                .json();
        assertThat(kinds(month)).containsExactly("CHAIN_CERTIFICATE", "TRUSTED_CA", "CHAIN");
        assertThat(month.path("count").asInt()).isEqualTo(3);
        JsonNode first = month.path("items").get(0);
        assertThat(first.path("id").asText()).isEqualTo(importedChain);
        assertThat(first.path("position").asInt()).isEqualTo(1);
        assertThat(first.path("subject").asText()).contains("PFX Intermediate");
        assertThat(first.path("origin").asText()).isEqualTo("IMPORTED");
        assertThat(first.path("daysLeft").asLong()).isBetween(4L, 5L);
        assertThat(first.path("expired").asBoolean()).isFalse();
        assertThat(month.path("items").get(1).path("subject").asText()).contains("LDAP CA ending in 10 days");
        JsonNode chain = month.path("items").get(2);
        assertThat(chain.path("id").asText()).isEqualTo(shortChain);
        assertThat(chain.path("servesDomains")).extracting(JsonNode::asText).containsExactly(domain);
        assertThat(chain.has("renewAt")).as("it renews by itself").isTrue();

        JsonNode years = admin.get(base(account) + "/expiring?within=P800D").json();
        assertThat(kinds(years))
                .containsExactly("CHAIN_CERTIFICATE", "TRUSTED_CA", "CHAIN", "CHAIN", "CHAIN", "TRUSTED_CA", "CHAIN");
        JsonNode signing = years.path("items").get(6);
        assertThat(signing.path("purposes")).extracting(JsonNode::asText).containsExactly("TOKEN_SIGNING");
        assertThat(signing.path("signingRole").asText()).isEqualTo("ACTIVE");
        List<Instant> ends = new ArrayList<>();
        years.path("items")
                .forEach(i -> ends.add(Instant.parse(i.path("notAfter").asText())));
        assertThat(ends).isSorted();

        String renewed = admin.post(base(account) + "/private-chains/" + shortChain + "/renew", Map.of())
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        JsonNode afterRenewal =
                admin.get(base(account) + "/expiring?within=P30D").json();
        assertThat(afterRenewal.path("items").get(2).path("id").asText())
                .as("the renewed chain is listed, not the one it superseded")
                .isEqualTo(renewed);
        assertThat(afterRenewal.path("count").asInt()).isEqualTo(3);

        var reader = ApiClients.create(server, account, List.of("certificates:read"));
        assertThat(server.bearer(ApiClients.token(server, reader))
                        .get(base(account) + "/expiring")
                        .assertStatus(200)
                        .json()
                        .path("count")
                        .asInt())
                .isEqualTo(3);
        var noScope = ApiClients.create(server, account, List.of("pki-settings:read"));
        server.bearer(ApiClients.token(server, noScope))
                .get(base(account) + "/expiring")
                .assertProblem(403, "insufficient_scope");

        for (String bad : List.of("30", "P-1D", "P9999D", "soon")) {
            var refused = admin.get(base(account) + "/expiring?within=" + bad).assertProblem(422, "validation_failed");
            assertThat(refused.json().path("field").asText()).isEqualTo("within");
        }
        String other = admin.createVendor("Not theirs");
        admin.createUser(other, "other-expiry-admin", "other-expiry-password-1");
        Api outsider = server.anonymous().login("other-expiry-admin", "other-expiry-password-1");
        outsider.get(base(account) + "/expiring").assertProblem(404, "not_found");
        outsider.get("/api/v1/platform/expiring").assertProblem(403, "forbidden");
    }

    @Test
    void thePlatformAdminPagesThroughEveryAccountsEndsWithThePlatformsOwn() {
        server = TestServer.start(database);
        Api admin = server.admin();
        for (int i = 0; i < 3; i++) {
            String account = admin.createVendor("Platform expiring " + i);
            String domain = "a" + i + ".platform-expiring.test";
            admin.setDomains(account, domain);
            admin.generateTlsChain(account, domain, Map.of("validityDays", 10 + i));
            admin.generateTlsChain(account, domain, Map.of("validityDays", 10 + i)); // the same end, to the second
        }
        JsonNode whole = admin.get("/api/v1/platform/expiring?within=P800D&limit=500")
                .assertStatus(200)
                .json();
        assertThat(whole.has("next")).isFalse();
        // 6 TLS chains, 3 signing chains of the accounts, the node's server certificate
        assertThat(whole.path("count").asInt()).isEqualTo(10);
        assertThat(kinds(whole)).contains("NODE_SERVER");

        List<String> paged = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            JsonNode page = admin.get(
                            "/api/v1/platform/expiring?within=P800D&limit=3" + (after == null ? "" : "&after=" + after))
                    .assertStatus(200)
                    .json();
            page.path("items")
                    .forEach(i -> paged.add(
                            i.path("id").asText() + "#" + i.path("position").asInt()));
            after = page.has("next") ? page.path("next").asText() : null;
            pages++;
        } while (after != null && pages < 10);
        List<String> all = new ArrayList<>();
        whole.path("items")
                .forEach(i ->
                        all.add(i.path("id").asText() + "#" + i.path("position").asInt()));
        assertThat(paged)
                .as("pages of 3 give the whole listing, once each, in order")
                .isEqualTo(all);
        assertThat(pages).isEqualTo(4);

        JsonNode month = admin.get("/api/v1/platform/expiring").json();
        assertThat(month.path("count").asInt())
                .as("30 days by default: the TLS chains")
                .isEqualTo(6);
        admin.get("/api/v1/platform/expiring?after=not-a-cursor").assertProblem(422, "validation_failed");
    }
}
