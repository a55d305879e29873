package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.OnBothDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantIsolationTest extends OnBothDatabases {
    private static final String PASSWORD = "customer-admin-password";
    static String vendor;
    static String customer;
    static String sibling;
    static String otherVendor;
    static String siblingCertificate;
    static String siblingChain;
    static String siblingClient;
    static String siblingPassword;
    static String siblingRequest;
    static String siblingSerial;
    /**
     * Routes an account publishes to the world or that authenticate by other means than a
     * session: the token endpoint (client credentials) and the published keys and metadata.
     */
    private static final java.util.Set<String> NOT_BY_SESSION = java.util.Set.of(
            "/api/v1/accounts/{id}/oauth2/token",
            "/api/v1/accounts/{id}/.well-known/jwks.json",
            "/api/v1/accounts/{id}/.well-known/openid-configuration");

    private void scenario() {
        Api admin = server.admin();
        vendor = admin.createVendor("Vendor " + System.nanoTime());
        customer = admin.createCustomer("Customer", vendor);
        sibling = admin.createCustomer("Sibling", vendor);
        otherVendor = admin.createVendor("Other vendor");
        admin.setDomains(sibling, "sibling-" + System.nanoTime() + ".test");
        admin.createUser(customer, "cust-" + System.nanoTime(), PASSWORD);
        siblingCertificate = admin.upload("/api/v1/accounts/" + sibling + "/trusted-cas", "ca.pem", caPem())
                .assertStatus(201)
                .json()
                .path("imported")
                .get(0)
                .path("id")
                .asText();
        siblingChain = admin.get("/api/v1/accounts/" + sibling + "/private-chains")
                .json()
                .path("chains")
                .get(0)
                .path("id")
                .asText();
        String siblingDomain = admin.get("/api/v1/accounts/" + sibling)
                .json()
                .path("domains")
                .get(0)
                .asText();
        siblingRequest = admin.post(
                        "/api/v1/accounts/" + sibling + "/private-chains/requests",
                        Map.of("domains", List.of(siblingDomain)))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        var device = io.certdesk.pki.keys.KeyPairs.generate(
                io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom());
        String location = admin.sendRaw(
                        "POST",
                        "/api/v1/accounts/" + sibling + "/certificates/sign",
                        io.certdesk.pki.request.Pkcs10.build(
                                device, io.certdesk.pki.keys.KeyType.EC_P256, List.of(siblingDomain)),
                        "application/pkcs10")
                .assertStatus(201)
                .header("Location");
        siblingSerial = location.substring(location.lastIndexOf('/') + 1);
        siblingClient = admin.post("/api/v1/accounts/" + sibling + "/api-clients", Map.of("name", "sibling client"))
                .assertStatus(201)
                .json()
                .path("clientId")
                .asText();
        siblingPassword = admin.post("/api/v1/accounts/" + sibling + "/scep/passwords", Map.of())
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
    }

    private static byte[] caPem() {
        java.time.Instant now = java.time.Instant.now();
        return Pem.bytes(Pem.certificate(TestCa.certificate("CN=Isolation CA " + System.nanoTime())
                .validity(now.minusSeconds(60), now.plusSeconds(86_400 * 90))
                .build()
                .certificate()));
    }

    private Api customerAdmin() {
        String name = server.admin()
                .get("/api/v1/accounts/" + customer + "/users")
                .json()
                .path("users")
                .get(0)
                .path("username")
                .asText();
        return server.anonymous().login(name, PASSWORD);
    }

    @Test
    void aCustomerAdminGetsNotFoundOnEveryRouteOfASiblingAccount() {
        scenario();
        Api customerAdmin = customerAdmin();
        List<Route> accountRoutes = server.server().routes().stream()
                .filter(r -> r.path().contains("{id}")
                        && !NOT_BY_SESSION.contains(r.path())
                        && !r.path().startsWith("/acme/") // signed by ACME account keys (JWS), tested in acme/
                        // a device's password or certificate names the account, tested in scep/
                        && !r.path().startsWith("/.well-known/est/"))
                .toList();
        assertThat(accountRoutes).hasSizeGreaterThanOrEqualTo(20);
        for (String target : List.of(sibling, vendor, otherVendor)) {
            for (Route route : accountRoutes) {
                String path = route.path()
                        .replace("{id}", target)
                        .replace("{certId}", siblingCertificate)
                        .replace("{chainId}", siblingChain)
                        .replace("{clientId}", siblingClient)
                        .replace("{passwordId}", siblingPassword)
                        .replace("{requestId}", siblingRequest)
                        .replace("{serial}", siblingSerial)
                        .replace("{keyId}", "eab_none")
                        .replace("{domain}", "www.example.test")
                        .replace("{webhookId}", "00000000-0000-0000-0000-000000000000");
                if (route.path().endsWith("/trusted-cas") && route.method().equals("POST")) {
                    customerAdmin.upload(path, "ca.pem", caPem()).assertProblem(404, "not_found");
                    continue;
                }
                if (route.path().endsWith("/import")) {
                    customerAdmin
                            .upload(path, "file", "a.pfx", caPem(), Map.of("password", "x"))
                            .assertProblem(404, "not_found");
                    continue;
                }
                Object body = route.method().equals("GET") || route.method().equals("DELETE") ? null : bodyFor(route);
                customerAdmin.send(route.method(), path, body).assertProblem(404, "not_found");
            }
        }
        // Nothing changed on the sibling, and the list shows only the caller's own account.
        assertThat(server.admin().get("/api/v1/accounts/" + sibling).json().path("domains"))
                .hasSize(1);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + sibling + "/scep/passwords")
                        .json()
                        .path("passwords"))
                .as("the sibling's SCEP password is still there")
                .hasSize(1);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + sibling + "/trusted-cas")
                        .json()
                        .path("certificates"))
                .hasSize(1);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + sibling + "/private-chains")
                        .json()
                        .path("chains"))
                .hasSize(1);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + sibling + "/private-chains/requests")
                        .json()
                        .path("requests"))
                .hasSize(1);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + sibling + "/certificates/" + siblingSerial)
                        .json()
                        .path("revocation")
                        .isNull())
                .isTrue();
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + sibling + "/api-clients")
                        .json()
                        .path("clients"))
                .hasSize(1);
        // A session is no client credential: the sibling's token endpoint does not take it.
        var token = customerAdmin.sendRaw(
                "POST",
                "/api/v1/accounts/" + sibling + "/oauth2/token",
                "grant_type=client_credentials".getBytes(),
                "application/x-www-form-urlencoded");
        assertThat(token.status()).isEqualTo(401);
        assertThat(token.json().path("error").asText()).isEqualTo("invalid_client");
        assertThat(customerAdmin.get("/api/v1/accounts").json().path("accounts"))
                .extracting(a -> a.path("id").asText())
                .containsExactly(customer);
    }

    @Test
    void aCustomerAdminSeesItsOwnAccountButCannotClaimDomainsOrCreateAccounts() {
        scenario();
        Api customerAdmin = customerAdmin();
        customerAdmin.get("/api/v1/accounts/" + customer).assertStatus(200);
        customerAdmin
                .put("/api/v1/accounts/" + customer + "/domains", Map.of("domains", List.of("claim.test")))
                .assertProblem(403, "forbidden");
        customerAdmin
                .post("/api/v1/accounts", Map.of("name", "Mine", "type", "CUSTOMER", "parentId", customer))
                .assertProblem(403, "forbidden");
        customerAdmin
                .post("/api/v1/accounts", Map.of("name", "Mine", "type", "VENDOR"))
                .assertProblem(403, "forbidden");
        customerAdmin.delete("/api/v1/accounts/" + customer).assertProblem(403, "forbidden");
        assertThat(server.admin().get("/api/v1/accounts/" + customer).json().path("domains"))
                .isEmpty();
    }

    @Test
    void aVendorAdminManagesItsCustomersButNotItsOwnDomainsNorOtherVendors() {
        scenario();
        server.admin().createUser(vendor, "vend-" + System.nanoTime(), PASSWORD);
        String vendorUser = server.admin()
                .get("/api/v1/accounts/" + vendor + "/users")
                .json()
                .path("users")
                .get(0)
                .path("username")
                .asText();
        Api vendorAdmin = server.anonymous().login(vendorUser, PASSWORD);

        vendorAdmin
                .put(
                        "/api/v1/accounts/" + customer + "/domains",
                        Map.of("domains", List.of("cust-" + System.nanoTime() + ".test")))
                .assertStatus(200);
        vendorAdmin
                .put("/api/v1/accounts/" + vendor + "/domains", Map.of("domains", List.of("vendor-own.test")))
                .assertProblem(403, "forbidden");
        var created = vendorAdmin
                .post("/api/v1/accounts", Map.of("name", "New customer", "type", "CUSTOMER"))
                .assertStatus(201);
        assertThat(created.json().path("parentId").asText()).isEqualTo(vendor);
        vendorAdmin.get("/api/v1/accounts/" + otherVendor).assertProblem(404, "not_found");
        vendorAdmin
                .post("/api/v1/accounts", Map.of("name", "Poach", "type", "CUSTOMER", "parentId", otherVendor))
                .assertProblem(404, "not_found");
        assertThat(vendorAdmin.get("/api/v1/accounts").json().path("accounts"))
                .extracting(a -> a.path("id").asText())
                .contains(vendor, customer, sibling)
                .doesNotContain(otherVendor);
        vendorAdmin
                .delete("/api/v1/accounts/" + created.json().path("id").asText())
                .assertStatus(204);
    }

    private static Object bodyFor(Route route) {
        if (route.path().endsWith("/domains")) {
            return Map.of("domains", List.of("stolen.test"));
        }
        if (route.path().endsWith("/generate")) {
            return Map.of("purpose", "TOKEN_SIGNING");
        }
        if (route.path().endsWith("/pki-settings")) {
            return Map.of("tlsBindings", Map.of());
        }
        if (route.path().endsWith("/api-clients")) {
            return Map.of("name", "intruder");
        }
        if (route.path().endsWith("/users")) {
            return Map.of("username", "intruder", "password", "intruder-password");
        }
        return Map.of();
    }
}
