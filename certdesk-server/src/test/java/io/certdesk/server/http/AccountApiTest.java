package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.OnBothDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountApiTest extends OnBothDatabases {

    @Test
    void aVendorAndItsCustomerLiveThroughCreationDomainsAndDeletion() {
        Api admin = server.admin();
        var vendor = admin.post("/api/v1/accounts", Map.of("name", "Acme Print", "type", "VENDOR"))
                .assertStatus(201);
        String vendorId = vendor.json().path("id").asText();
        assertThat(vendor.header("Location")).isEqualTo("/api/v1/accounts/" + vendorId);
        assertThat(vendor.json().path("parentId").isNull()).isTrue();
        assertThat(vendor.json().path("domains")).isEmpty();
        assertThat(vendor.json().path("createdAt").asText()).endsWith("Z");

        var customer = admin.post(
                        "/api/v1/accounts", Map.of("name", "Globex", "type", "CUSTOMER", "parentId", vendorId))
                .assertStatus(201);
        String customerId = customer.json().path("id").asText();
        assertThat(customer.json().path("parentId").asText()).isEqualTo(vendorId);

        var withDomains = admin.put(
                        "/api/v1/accounts/" + customerId + "/domains",
                        Map.of("domains", List.of("Print.Globex.TEST", "bücher.globex.test", " api.globex.test ")))
                .assertStatus(200);
        assertThat(names(withDomains.json().path("domains")))
                .containsExactly("api.globex.test", "print.globex.test", "xn--bcher-kva.globex.test");
        assertThat(names(admin.get("/api/v1/accounts/" + customerId)
                        .assertStatus(200)
                        .json()
                        .path("domains")))
                .containsExactly("api.globex.test", "print.globex.test", "xn--bcher-kva.globex.test");
        assertThat(names(admin.get("/api/v1/accounts/" + customerId + "/domains")
                        .json()
                        .path("domains")))
                .hasSize(3);

        admin.put("/api/v1/accounts/" + customerId + "/domains", Map.of("domains", List.of("print.globex.test")))
                .assertStatus(200);
        assertThat(names(admin.get("/api/v1/accounts/" + customerId).json().path("domains")))
                .containsExactly("print.globex.test");

        admin.delete("/api/v1/accounts/" + vendorId).assertProblem(409, "account_has_customers");
        admin.delete("/api/v1/accounts/" + customerId).assertStatus(204);
        admin.get("/api/v1/accounts/" + customerId).assertProblem(404, "not_found");
        admin.delete("/api/v1/accounts/" + vendorId).assertStatus(204);

        // A deleted account's domains are free again.
        String other = admin.createVendor("Initech");
        admin.setDomains(other, "print.globex.test");
        var audit = admin.get("/api/v1/accounts/" + customerId + "/audit");
        audit.assertProblem(404, "not_found");
    }

    @Test
    void aDomainBelongsToOneAccountOnlyAndARefusalStoresNothing() {
        Api admin = server.admin();
        String a = admin.createVendor("Vendor A");
        String b = admin.createVendor("Vendor B");
        admin.setDomains(a, "shared.taken.test");
        admin.setDomains(b, "mine.taken.test");

        var refused = admin.put(
                        "/api/v1/accounts/" + b + "/domains",
                        Map.of("domains", List.of("new.taken.test", "SHARED.taken.test")))
                .assertProblem(409, "domain_taken");
        assertThat(refused.json().path("detail").asText()).contains("shared.taken.test");
        assertThat(names(refused.json().path("domains"))).containsExactly("shared.taken.test");

        assertThat(names(admin.get("/api/v1/accounts/" + b).json().path("domains")))
                .containsExactly("mine.taken.test");
        assertThat(names(admin.get("/api/v1/accounts/" + a).json().path("domains")))
                .containsExactly("shared.taken.test");
    }

    @Test
    void invalidDomainNamesAreAllNamedAndNothingIsStored() {
        Api admin = server.admin();
        String id = admin.createVendor("Names");
        admin.setDomains(id, "ok.names.test");
        for (String bad : List.of(
                "*.names.test",
                "names.test.",
                "under_score.names.test",
                "-dash.names.test",
                "localhost",
                "192.168.1.10",
                "a..b.test",
                "x".repeat(64) + ".names.test",
                "")) {
            var r = admin.put("/api/v1/accounts/" + id + "/domains", Map.of("domains", List.of("fine.names.test", bad)))
                    .assertProblem(422, "validation_failed");
            assertThat(r.json().path("field").asText()).isEqualTo("domains");
            assertThat(names(r.json().path("invalid"))).containsExactly(bad);
        }
        assertThat(names(admin.get("/api/v1/accounts/" + id).json().path("domains")))
                .containsExactly("ok.names.test");
    }

    @Test
    void accountRequestsThatBreakTheRulesAreRefusedWithTheirCodes() {
        Api admin = server.admin();
        int before = admin.allAccounts(500).size();
        String vendor = admin.createVendor("Rules Vendor");
        String customer = admin.createCustomer("Rules Customer", vendor);
        before += 2;

        admin.post("/api/v1/accounts", Map.of("name", "No parent", "type", "CUSTOMER"))
                .assertProblem(422, "validation_failed");
        admin.post("/api/v1/accounts", Map.of("name", "Under a customer", "type", "CUSTOMER", "parentId", customer))
                .assertProblem(422, "validation_failed");
        admin.post("/api/v1/accounts", Map.of("name", "Vendor with parent", "type", "VENDOR", "parentId", vendor))
                .assertProblem(422, "validation_failed");
        admin.post("/api/v1/accounts", Map.of("name", "Unknown parent", "type", "CUSTOMER", "parentId", "nope"))
                .assertProblem(404, "not_found");
        admin.post("/api/v1/accounts", Map.of("name", "  ", "type", "VENDOR")).assertProblem(422, "validation_failed");
        admin.post("/api/v1/accounts", Map.of("name", "x".repeat(201), "type", "VENDOR"))
                .assertProblem(422, "validation_failed");
        admin.post("/api/v1/accounts", Map.of("name", "Bad type", "type", "RESELLER"))
                .assertProblem(422, "validation_failed");
        admin.post("/api/v1/accounts", Map.of("name", "Typo", "typ", "VENDOR")).assertProblem(400, "malformed_request");
        admin.sendRaw("POST", "/api/v1/accounts", "{\"name\":".getBytes(), "application/json")
                .assertProblem(400, "malformed_request");
        admin.sendRaw("POST", "/api/v1/accounts", "name=x".getBytes(), "application/x-www-form-urlencoded")
                .assertProblem(415, "unsupported_media_type");
        admin.put("/api/v1/accounts/" + vendor + "/domains", Map.of()).assertProblem(422, "validation_failed");

        assertThat(admin.allAccounts(500).size()).isEqualTo(before);
    }

    @Test
    void theAccountListComesAPageAtATimeOldestFirstAndAVendorAdminPagesThroughItsOwnOnly() {
        Api admin = server.admin();
        String vendor = admin.createVendor("Paged Vendor");
        List<String> customers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            customers.add(admin.createCustomer("Paged Customer " + i, vendor));
        }
        String otherVendor = admin.createVendor("Paged Other Vendor");
        String username = "paged-" + System.nanoTime();
        admin.createUser(vendor, username, "paged-vendor-password");
        Api vendorAdmin = server.anonymous().login(username, "paged-vendor-password");

        var first =
                vendorAdmin.get("/api/v1/accounts?limit=2").assertStatus(200).json();
        assertThat(first.path("accounts"))
                .extracting(a -> a.path("id").asText())
                .containsExactly(vendor, customers.get(0));
        assertThat(first.path("next").asText()).isEqualTo(customers.get(0));
        var second = vendorAdmin
                .get("/api/v1/accounts?limit=2&after=" + first.path("next").asText())
                .assertStatus(200)
                .json();
        assertThat(second.path("accounts"))
                .extracting(a -> a.path("id").asText())
                .containsExactly(customers.get(1), customers.get(2));
        var last = vendorAdmin
                .get("/api/v1/accounts?limit=2&after=" + second.path("next").asText())
                .assertStatus(200)
                .json();
        assertThat(last.path("accounts")).extracting(a -> a.path("id").asText()).containsExactly(customers.get(3));
        assertThat(last.path("next").isNull()).isTrue();

        // the platform admin's walk holds every account once, oldest first, with the new ones at its end
        List<String> everyone =
                admin.allAccounts(3).stream().map(a -> a.path("id").asText()).toList();
        assertThat(everyone)
                .doesNotHaveDuplicates()
                .hasSize(admin.allAccounts(500).size());
        List<String> ours = new java.util.ArrayList<>(List.of(vendor));
        ours.addAll(customers);
        ours.add(otherVendor);
        assertThat(everyone.subList(everyone.size() - ours.size(), everyone.size()))
                .isEqualTo(ours);
        assertThat(admin.get("/api/v1/accounts?limit=100000")
                        .json()
                        .path("accounts")
                        .size())
                .isLessThanOrEqualTo(500);

        // a cursor outside the caller's list, or naming nothing, is refused
        var outside = vendorAdmin.get("/api/v1/accounts?after=" + otherVendor).assertProblem(422, "validation_failed");
        assertThat(outside.json().path("field").asText()).isEqualTo("after");
        admin.get("/api/v1/accounts?after=no-such-account").assertProblem(422, "validation_failed");
        admin.get("/api/v1/accounts?limit=many").assertProblem(422, "validation_failed");
    }

    @Test
    void theAccountListFindsAccountsByAnyPartOfTheirNameInAnyCaseAndOnlyAmongTheCallersOwn() {
        Api admin = server.admin();
        String tag = "Srch" + System.nanoTime();
        String vendor = admin.createVendor(tag + " Printing Vendor");
        String printers = admin.createCustomer(tag + " Printers North", vendor);
        String kiosks = admin.createCustomer(tag + " Kiosks", vendor);
        String percent = admin.createCustomer(tag + " 100% Uptime_Ltd", vendor);
        String otherVendor = admin.createVendor(tag + " Printers Elsewhere");
        String username = "search-" + System.nanoTime();
        admin.createUser(vendor, username, "search-vendor-password");
        Api vendorAdmin = server.anonymous().login(username, "search-vendor-password");

        assertThat(ids(admin.get("/api/v1/accounts?q=" + tag.toLowerCase(java.util.Locale.ROOT) + "%20printers")))
                .containsExactly(printers, otherVendor);
        assertThat(ids(vendorAdmin.get("/api/v1/accounts?q=PRINTERS"))).containsExactly(printers);
        assertThat(ids(vendorAdmin.get("/api/v1/accounts?q=" + tag)))
                .containsExactly(vendor, printers, kiosks, percent);
        // wildcards are only themselves
        assertThat(ids(admin.get("/api/v1/accounts?q=" + tag + "%20100%25"))).containsExactly(percent);
        assertThat(ids(admin.get("/api/v1/accounts?q=" + tag + "%20%25"))).isEmpty();
        assertThat(ids(admin.get("/api/v1/accounts?q=0%25%20Up"))).containsExactly(percent);
        assertThat(ids(admin.get("/api/v1/accounts?q=" + tag + "%20_"))).isEmpty();
        assertThat(ids(admin.get("/api/v1/accounts?q=Uptime_"))).containsExactly(percent);

        // paged like the whole list, the cursor from the search's own page
        var first = vendorAdmin
                .get("/api/v1/accounts?limit=2&q=" + tag)
                .assertStatus(200)
                .json();
        assertThat(first.path("accounts"))
                .extracting(a -> a.path("id").asText())
                .containsExactly(vendor, printers);
        var rest = vendorAdmin
                .get("/api/v1/accounts?limit=2&q=" + tag + "&after="
                        + first.path("next").asText())
                .assertStatus(200)
                .json();
        assertThat(rest.path("accounts")).extracting(a -> a.path("id").asText()).containsExactly(kiosks, percent);

        var tooLong = admin.get("/api/v1/accounts?q=" + "x".repeat(101)).assertProblem(422, "validation_failed");
        assertThat(tooLong.json().path("field").asText()).isEqualTo("q");
        assertThat(ids(admin.get("/api/v1/accounts?q=" + "x".repeat(100)))).isEmpty();
    }

    private static List<String> ids(Api.Response response) {
        List<String> ids = new java.util.ArrayList<>();
        response.assertStatus(200)
                .json()
                .path("accounts")
                .forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    @Test
    void enumValuesAreReadIgnoringCaseAndAnsweredAsTheApiSpellsThem() {
        Api admin = server.admin();
        var vendor = admin.post("/api/v1/accounts", Map.of("name", "Lower Case", "type", "vendor"))
                .assertStatus(201);
        assertThat(vendor.json().path("type").asText()).isEqualTo("VENDOR");
        String id = vendor.json().path("id").asText();
        var settings = admin.put(
                        "/api/v1/accounts/" + id + "/trust-settings",
                        Map.of("revocation", "hard_fail", "includePublicRoots", false))
                .assertStatus(200);
        assertThat(settings.json().path("revocation").asText()).isEqualTo("HARD_FAIL");
        var refused = admin.put(
                        "/api/v1/accounts/" + id + "/trust-settings",
                        Map.of("revocation", "sometimes", "includePublicRoots", true))
                .assertProblem(422, "validation_failed");
        assertThat(refused.json().path("field").asText()).isEqualTo("revocation");
        assertThat(admin.get("/api/v1/accounts/" + id + "/trust-settings")
                        .json()
                        .path("revocation")
                        .asText())
                .isEqualTo("HARD_FAIL");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedAsTooLarge() {
        Api admin = server.admin();
        int before = admin.allAccounts(500).size();
        byte[] big = ("{\"name\":\"" + "x".repeat(1024 * 1024) + "\",\"type\":\"VENDOR\"}").getBytes();
        admin.sendRaw("POST", "/api/v1/accounts", big, "application/json").assertProblem(413, "too_large");
        assertThat(admin.allAccounts(500).size()).isEqualTo(before);
    }

    @Test
    void withoutSigningInEveryAccountRouteAnswersUnauthorized() {
        Api anonymous = server.anonymous();
        var r = anonymous.get("/api/v1/accounts").assertProblem(401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
        anonymous
                .post("/api/v1/accounts", Map.of("name", "x", "type", "VENDOR"))
                .assertProblem(401, "unauthorized");
        new Api(server.server().httpsPort(), server.server().platformCa().root(), "forged-token")
                .get("/api/v1/accounts")
                .assertProblem(401, "unauthorized");
    }

    @Test
    void unknownRoutesAndFailuresArePlainProblems() {
        var r = server.admin().get("/api/v1/nothing-here").assertProblem(404, "not_found");
        assertThat(r.json().path("requestId").asText()).isEqualTo(r.header("X-Request-Id"));
    }

    @Test
    void theAuditLogSaysWhoDidWhatToTheAccount() {
        Api admin = server.admin();
        String id = admin.createVendor("Audited");
        admin.setDomains(id, "audited.test");
        admin.createUser(id, "audited-admin", "a-long-enough-password");
        JsonNode entries = admin.get("/api/v1/accounts/" + id + "/audit")
                .assertStatus(200)
                .json()
                .path("entries");
        assertThat(entries)
                .extracting(e -> e.path("action").asText())
                .containsExactly("USER_CREATED", "DOMAINS_REPLACED", "ACCOUNT_CREATED");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.path("actor").asText()).isEqualTo("admin");
            assertThat(e.path("requestId").asText()).isNotBlank();
        });
        assertThat(entries.get(0).path("detail").asText()).doesNotContain("a-long-enough-password");
    }

    static List<String> names(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
