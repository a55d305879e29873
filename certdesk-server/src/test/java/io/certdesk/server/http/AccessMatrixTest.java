package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every route the server has, tried by callers its access rule must refuse: no credentials, a
 * forged session, a session that has ended, the console's cookie without its CSRF token, an access
 * token without the route's scope (or on a route tokens may not call), and another account's
 * token; and every signed-in role on every route, on its own account, its customers', a
 * sibling's and another vendor's. What each route admits, and what each role gets, is written in
 * {@link #ACCESS}, one row a route: a route added without its row or its cells, or a row whose
 * route is gone, fails the build. {@link TenantIsolationTest} tries a sibling's real resources;
 * the ACME routes authenticate by JWS (acme/).
 */
class AccessMatrixTest extends OnBothDatabases {
    /**
     * Each row: the route, then who it admits: "public", "session" (signed-in users only), or "token
     * SCOPE" (a session, or an access token with SCOPE). After "|", for a signed-in route, what each
     * signed-in role gets ({@link #everySignedInRoleGetsWhatItsCellSaysOnEveryRoute}): for an
     * account's route the platform admin, a vendor admin on its account, on its customer, on another
     * vendor, a customer admin on its account, on a sibling ({@link AccountCell}); for another route
     * the platform, a vendor and a customer admin ({@link PlatformCell}). A cell "A/B" is A on H2 and
     * B on PostgreSQL.
     */
    private static final Map<String, String> ACCESS = table(
            "GET / -> public",
            "GET /.well-known/est/cacerts -> public",
            "GET /.well-known/est/csrattrs -> public",
            "POST /.well-known/est/simpleenroll -> public",
            "POST /.well-known/est/simplereenroll -> public",
            "GET /.well-known/est/{id}/cacerts -> public",
            "GET /.well-known/est/{id}/csrattrs -> public",
            "POST /.well-known/est/{id}/simpleenroll -> public",
            "POST /.well-known/est/{id}/simplereenroll -> public",
            "POST /acme/{id}/acct/{acmeAccountId} -> public",
            "POST /acme/{id}/acct/{acmeAccountId}/orders -> public",
            "POST /acme/{id}/authz/{authzId} -> public",
            "POST /acme/{id}/cert/{orderId} -> public",
            "POST /acme/{id}/chall/{challengeId} -> public",
            "GET /acme/{id}/directory -> public",
            "POST /acme/{id}/key-change -> public",
            "POST /acme/{id}/new-account -> public",
            "GET /acme/{id}/new-nonce -> public",
            "HEAD /acme/{id}/new-nonce -> public",
            "POST /acme/{id}/new-order -> public",
            "POST /acme/{id}/order/{orderId} -> public",
            "POST /acme/{id}/order/{orderId}/finalize -> public",
            "GET /acme/{id}/renewal-info/{certId} -> public",
            "POST /acme/{id}/revoke-cert -> public",
            "GET /api/v1/accounts -> session | 200 200 200",
            "POST /api/v1/accounts -> session | 422 forbidden forbidden",
            "DELETE /api/v1/accounts/{id} -> session | 204 forbidden 204 hidden forbidden hidden",
            "GET /api/v1/accounts/{id} -> session | 200 200 200 hidden 200 hidden",
            "GET /api/v1/accounts/{id}/.well-known/jwks.json -> public",
            "GET /api/v1/accounts/{id}/.well-known/openid-configuration -> public",
            "GET /api/v1/accounts/{id}/acme/eab -> token pki-settings:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/acme/eab -> session | 201 201 201 hidden 201 hidden",
            "DELETE /api/v1/accounts/{id}/acme/eab/{keyId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/acme/settings -> token pki-settings:read | 200 200 200 hidden 200 hidden",
            "PUT /api/v1/accounts/{id}/acme/settings -> session | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/api-clients -> session | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/api-clients -> session | 422 422 422 hidden 422 hidden",
            "DELETE /api/v1/accounts/{id}/api-clients/{clientId} -> session | 404 404 404 hidden 404 hidden",
            "POST /api/v1/accounts/{id}/api-clients/{clientId}/secret -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/audit -> session | 200 200 200 hidden 200 hidden",
            "GET /api/v1/accounts/{id}/certificates -> token certificates:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/certificates/sign -> session | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/certificates/{serial} -> token certificates:read | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/certificates/{serial}/chain.p7b -> token certificates:read | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/certificates/{serial}/chain.pem -> token certificates:read | 422 422 422 hidden 422 hidden",
            "POST /api/v1/accounts/{id}/certificates/{serial}/revoke -> session | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/domains -> session | 200 200 200 hidden 200 hidden",
            "PUT /api/v1/accounts/{id}/domains -> session | 422 forbidden 422 hidden forbidden hidden",
            "GET /api/v1/accounts/{id}/expiring -> token certificates:read | 200 200 200 hidden 200 hidden",
            "GET /api/v1/accounts/{id}/lifecycle-settings -> token pki-settings:read | 200 200 200 hidden 200 hidden",
            "PUT /api/v1/accounts/{id}/lifecycle-settings -> session | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/oauth2/token -> public",
            "GET /api/v1/accounts/{id}/pki-settings -> token pki-settings:read | 200 200 200 hidden 200 hidden",
            "PUT /api/v1/accounts/{id}/pki-settings -> session | 200 200 200 hidden 200 hidden",
            "GET /api/v1/accounts/{id}/private-chains -> token certificates:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/private-chains/generate -> session | 422 422 422 hidden 422 hidden",
            "POST /api/v1/accounts/{id}/private-chains/import -> session | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/private-chains/requests -> token certificates:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/private-chains/requests -> session | 422 422 422 hidden 422 hidden",
            "DELETE /api/v1/accounts/{id}/private-chains/requests/{requestId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/private-chains/requests/{requestId} -> token certificates:read | 404 404 404 hidden 404 hidden",
            "POST /api/v1/accounts/{id}/private-chains/requests/{requestId}/certificate -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/private-chains/requests/{requestId}/csr.pem -> token certificates:read | 404 404 404 hidden 404 hidden",
            "DELETE /api/v1/accounts/{id}/private-chains/{chainId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/private-chains/{chainId} -> token certificates:read | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/private-chains/{chainId}/chain.pem -> token certificates:read | 404 404 404 hidden 404 hidden",
            "POST /api/v1/accounts/{id}/private-chains/{chainId}/renew -> session | 404 404 404 hidden 404 hidden",
            "POST /api/v1/accounts/{id}/private-chains/{chainId}/revoke -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/tls/{domain}/chain.pem -> token certificates:read | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/trust-settings -> session | 200 200 200 hidden 200 hidden",
            "PUT /api/v1/accounts/{id}/trust-settings -> session | 422 422 422 hidden 422 hidden",
            "POST /api/v1/accounts/{id}/trust/check -> session | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/trusted-cas -> token certificates:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/trusted-cas -> session | 422 422 422 hidden 422 hidden",
            "POST /api/v1/accounts/{id}/trusted-cas/from-check -> session | 422 422 422 hidden 422 hidden",
            "DELETE /api/v1/accounts/{id}/trusted-cas/{certId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/trusted-cas/{certId} -> token certificates:read | 404 404 404 hidden 404 hidden",
            "PATCH /api/v1/accounts/{id}/trusted-cas/{certId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/trusted-cas/{certId}/pem -> token certificates:read | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/users -> session | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/users -> session | 422 422 422 hidden 422 hidden",
            "GET /api/v1/accounts/{id}/webhooks -> session | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/webhooks -> session | 422 422 422 hidden 422 hidden",
            "DELETE /api/v1/accounts/{id}/webhooks/{webhookId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/webhooks/{webhookId}/deliveries -> session | 404 404 404 hidden 404 hidden",
            "POST /api/v1/accounts/{id}/webhooks/{webhookId}/ping -> session | 404 404 404 hidden 404 hidden",
            "DELETE /api/v1/accounts/{id}/scep/passwords/{passwordId} -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/scep/passwords -> token pki-settings:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/scep/passwords -> session | 201 201 201 hidden 201 hidden",
            "GET /api/v1/accounts/{id}/scep/requests -> token certificates:read | 200 200 200 hidden 200 hidden",
            "POST /api/v1/accounts/{id}/scep/requests/{requestId}/approve -> session | 404 404 404 hidden 404 hidden",
            "POST /api/v1/accounts/{id}/scep/requests/{requestId}/reject -> session | 404 404 404 hidden 404 hidden",
            "GET /api/v1/accounts/{id}/scep/settings -> token pki-settings:read | 200 200 200 hidden 200 hidden",
            "PUT /api/v1/accounts/{id}/scep/settings -> session | 422 422 422 hidden 422 hidden",
            "POST /api/v1/auth/login -> public",
            "POST /api/v1/auth/logout -> session | 204 204 204",
            "GET /api/v1/auth/me -> session | 200 200 200",
            "DELETE /api/v1/auth/session -> session | 204 204 204",
            "GET /api/v1/auth/session -> session | 200 200 200",
            "POST /api/v1/auth/session -> public",
            "POST /api/v1/platform/backup -> session | 200/409 forbidden forbidden",
            "GET /api/v1/platform/ca.der -> public",
            "GET /api/v1/platform/ca.pem -> public",
            "GET /api/v1/platform/expiring -> session | 200 forbidden forbidden",
            "GET /api/v1/platform/revocations -> session | 200 forbidden forbidden",
            "POST /api/v1/platform/revocations -> session | 422 forbidden forbidden",
            "GET /api/v1/platform/webhooks -> session | 200 forbidden forbidden",
            "POST /api/v1/platform/webhooks -> session | 422 forbidden forbidden",
            "DELETE /api/v1/platform/webhooks/{webhookId} -> session | 404 forbidden forbidden",
            "GET /api/v1/platform/webhooks/{webhookId}/deliveries -> session | 404 forbidden forbidden",
            "POST /api/v1/platform/webhooks/{webhookId}/ping -> session | 404 forbidden forbidden",
            "GET /console/{file} -> public",
            "GET /healthz -> public",
            "POST /ipp/print -> public",
            "GET /metrics -> public",
            "GET /readyz -> public");

    private static Map<String, String> table(String... rows) {
        Map<String, String> table = new LinkedHashMap<>();
        for (String row : rows) {
            String[] cells = row.split(" -> ", 2);
            assertThat(table.put(cells[0], cells[1]))
                    .as("one row for " + cells[0])
                    .isNull();
        }
        return table;
    }

    private static String key(Route r) {
        return r.method() + " " + r.path();
    }

    /** The row's access rule: "public", "session" or "token SCOPE" (null: no row). */
    private static String access(String key) {
        String row = ACCESS.get(key);
        return row == null ? null : row.split(" \\| ", 2)[0];
    }

    /** The row's cells by role, in {@link #ACCOUNT_CELLS} or {@link #PLATFORM_CELLS} order (empty: a public route). */
    private static List<String> cells(String key) {
        String[] parts = ACCESS.get(key).split(" \\| ", 2);
        return parts.length < 2 ? List.of() : List.of(parts[1].split(" "));
    }

    @Test
    void everyRouteHasItsRowAndEachRowSaysWhatTheRouteDeclares() {
        List<Route> routes = server.server().routes();
        Set<String> served = new TreeSet<>();
        List<String> missing = new ArrayList<>();
        for (Route r : routes) {
            served.add(key(r));
            if (!ACCESS.containsKey(key(r))) {
                missing.add("\"" + key(r) + " -> " + declared(r) + "\",");
            }
        }
        assertThat(missing)
                .as("routes without their row in ACCESS (add these, after checking them)")
                .isEmpty();
        assertThat(ACCESS.keySet()).as("rows whose route is gone").isSubsetOf(served);
        for (Route r : routes) {
            assertThat(access(key(r))).as(key(r)).isEqualTo(declared(r));
        }
    }

    private static String declared(Route r) {
        if (r.tokenScope().isPresent()) {
            return "token " + r.tokenScope().get();
        }
        return r.signInRequired() ? "session" : "public";
    }

    @Test
    void everyRouteRefusesTheCallersItsRowDoesNotAdmit() {
        String own = server.admin().createVendor("Matrix own " + System.nanoTime());
        String other = server.admin().createVendor("Matrix other " + System.nanoTime());
        Api ended = server.anonymous().login("admin", io.certdesk.server.testing.TestServer.ADMIN_PASSWORD);
        ended.post("/api/v1/auth/logout", Map.of()).assertStatus(204);
        String cookieSession = server.anonymous()
                .login("admin", io.certdesk.server.testing.TestServer.ADMIN_PASSWORD)
                .token();
        Map<String, String> tokensByScope = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        for (Route r : server.server().routes()) {
            String row = access(key(r));
            if (row == null) {
                continue; // reported by the test above
            }
            if (row.equals("public")) {
                // a public route authenticates by its own means (a login body, client credentials, a JWS)
                for (var answer : List.of(
                        call(r, own, "Bearer forged.session.token"),
                        server.anonymous().send(r.method(), path(r, own), null))) {
                    if (Set.of("unauthorized", "invalid_token", "insufficient_scope", "csrf_failed")
                            .contains(String.valueOf(answer.code()))) {
                        failures.add(key(r) + " is public but answered " + answer.status() + " " + answer.code());
                    }
                }
                continue;
            }
            expect(failures, r, "no credentials", call(r, own, null), 401, "unauthorized");
            expect(failures, r, "a forged session", call(r, own, "Bearer forged.session.token"), 401, null);
            expect(failures, r, "a session that ended", call(r, own, "Bearer " + ended.token()), 401, null);
            if (!r.method().equals("GET")) {
                var cookie = server.anonymous()
                        .sendWithHeaders(
                                r.method(),
                                path(r, own),
                                Map.of("Cookie", Requests.SESSION_COOKIE + "=" + cookieSession));
                expect(failures, r, "the cookie without the CSRF token", cookie, 403, "csrf_failed");
            }
            if (row.equals("session")) {
                String token = tokensByScope.computeIfAbsent(
                        "default", s -> ApiClients.token(server, ApiClients.create(server, own, null)));
                // verified on an account's route, then refused for want of a sign-in; elsewhere no credential at all
                if (r.path().contains("{id}")) {
                    expect(failures, r, "an access token", call(r, own, "Bearer " + token), 403, "insufficient_scope");
                } else {
                    expect(failures, r, "an access token", call(r, own, "Bearer " + token), 401, "invalid_token");
                }
            } else {
                String scope = row.substring("token ".length());
                String wrongScope = scope.equals("certificates:read") ? "pki-settings:read" : "certificates:read";
                String without = tokensByScope.computeIfAbsent(
                        "only " + wrongScope,
                        s -> ApiClients.token(server, ApiClients.create(server, own, List.of(wrongScope))));
                expect(
                        failures,
                        r,
                        "a token without " + scope,
                        call(r, own, "Bearer " + without),
                        403,
                        "insufficient_scope");
                String others = tokensByScope.computeIfAbsent(
                        "other " + scope,
                        s -> ApiClients.token(server, ApiClients.create(server, other, List.of(scope))));
                expect(failures, r, "another account's token", call(r, own, "Bearer " + others), 401, "invalid_token");
            }
        }
        assertThat(failures).isEmpty();
    }

    /** Who calls an account's route, on which account: the columns of a row's cells, in this order. */
    private enum AccountCell {
        PLATFORM_ADMIN(PlatformCell.PLATFORM_ADMIN),
        VENDOR_ADMIN_ON_ITS_ACCOUNT(PlatformCell.VENDOR_ADMIN),
        VENDOR_ADMIN_ON_ITS_CUSTOMER(PlatformCell.VENDOR_ADMIN),
        VENDOR_ADMIN_ON_ANOTHER_VENDOR(PlatformCell.VENDOR_ADMIN),
        CUSTOMER_ADMIN_ON_ITS_ACCOUNT(PlatformCell.CUSTOMER_ADMIN),
        CUSTOMER_ADMIN_ON_A_SIBLING(PlatformCell.CUSTOMER_ADMIN);

        /** The role that calls. */
        final PlatformCell caller;

        AccountCell(PlatformCell caller) {
            this.caller = caller;
        }
    }

    /** Who calls a route that names no account. */
    private enum PlatformCell {
        PLATFORM_ADMIN,
        VENDOR_ADMIN,
        CUSTOMER_ADMIN
    }

    private static final String CELL_PASSWORD = "matrix-cell-password";

    /**
     * Each signed-in role on each route, as its row's cells say: "forbidden" (403), "hidden" (404
     * naming the account: it is not visible to the caller) or the status an admitted caller gets
     * for a request with an empty body and ids that name nothing (so it changes nothing). The
     * refused cells are tried first with a body that would change the account, and nothing of any
     * account has changed after them.
     */
    @Test
    void everySignedInRoleGetsWhatItsCellSaysOnEveryRoute() {
        Api admin = server.admin();
        String vendor = admin.createVendor("Cells vendor " + System.nanoTime());
        String customer = admin.createCustomer("Cells customer", vendor);
        String sibling = admin.createCustomer("Cells sibling", vendor);
        String other = admin.createVendor("Cells other " + System.nanoTime());
        String vendorUser = "cells-vendor-" + System.nanoTime();
        String customerUser = "cells-customer-" + System.nanoTime();
        admin.createUser(vendor, vendorUser, CELL_PASSWORD);
        admin.createUser(customer, customerUser, CELL_PASSWORD);
        Map<PlatformCell, String> users = Map.of(
                PlatformCell.PLATFORM_ADMIN, "admin",
                PlatformCell.VENDOR_ADMIN, vendorUser,
                PlatformCell.CUSTOMER_ADMIN, customerUser);
        java.util.function.Function<PlatformCell, Api> signIn = role -> server.anonymous()
                .login(
                        users.get(role),
                        role == PlatformCell.PLATFORM_ADMIN
                                ? io.certdesk.server.testing.TestServer.ADMIN_PASSWORD
                                : CELL_PASSWORD);
        Map<PlatformCell, Api> sessions = new java.util.EnumMap<>(PlatformCell.class);
        Map<AccountCell, String> target = Map.of(
                AccountCell.PLATFORM_ADMIN, vendor,
                AccountCell.VENDOR_ADMIN_ON_ITS_ACCOUNT, vendor,
                AccountCell.VENDOR_ADMIN_ON_ITS_CUSTOMER, customer,
                AccountCell.VENDOR_ADMIN_ON_ANOTHER_VENDOR, other,
                AccountCell.CUSTOMER_ADMIN_ON_ITS_ACCOUNT, customer,
                AccountCell.CUSTOMER_ADMIN_ON_A_SIBLING, sibling);
        List<Route> routes = server.server().routes().stream()
                .filter(r -> ACCESS.containsKey(key(r)) && !access(key(r)).equals("public"))
                .toList();

        List<String> missing = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> accounts = List.of(vendor, customer, sibling, other);
        Map<String, String> before = state(accounts);
        for (boolean refusals : List.of(true, false)) {
            for (Route r : routes) {
                boolean ofAccount = r.path().contains("{id}");
                List<String> actual = new ArrayList<>();
                int columns = ofAccount ? AccountCell.values().length : PlatformCell.values().length;
                List<String> expected = cells(key(r)).stream()
                        .map(c -> c.contains("/") ? c.split("/")[database == TestDatabase.H2 ? 0 : 1] : c)
                        .toList();
                for (int i = 0; i < columns; i++) {
                    String want = expected.size() == columns ? expected.get(i) : null;
                    boolean refused = "forbidden".equals(want) || "hidden".equals(want);
                    if (want == null ? refusals : refused != refusals) {
                        actual.add(want);
                        continue;
                    }
                    PlatformCell role = ofAccount ? AccountCell.values()[i].caller : PlatformCell.values()[i];
                    String account = ofAccount ? target.get(AccountCell.values()[i]) : null;
                    if (!refusals && key(r).equals("DELETE /api/v1/accounts/{id}")) {
                        // an admitted delete takes the account: one of the same standing, made for it
                        if (AccountCell.values()[i] == AccountCell.PLATFORM_ADMIN) {
                            account = admin.createVendor("Cells disposable vendor " + System.nanoTime());
                        } else if (AccountCell.values()[i] == AccountCell.VENDOR_ADMIN_ON_ITS_CUSTOMER) {
                            account = admin.createCustomer("Cells disposable customer", vendor);
                        }
                    }
                    // a sign-out ends the session it is sent with: the auth routes get one of their own
                    Api as = r.path().startsWith("/api/v1/auth/")
                            ? signIn.apply(role)
                            : sessions.computeIfAbsent(role, signIn);
                    String path = ofAccount ? path(r, account) : path(r, "none");
                    actual.add(outcome(send(as, r, path, refusals ? changingBody(r) : Map.of()), account));
                }
                if (expected.size() != columns) {
                    if (!refusals) {
                        missing.add("\"" + key(r) + " -> " + access(key(r)) + " | " + String.join(" ", actual) + "\",");
                    }
                } else if (!actual.equals(expected)) {
                    failures.add(key(r) + (refusals ? " (refusals)" : " (admitted)") + ": expected " + expected
                            + ", got " + actual);
                }
            }
            if (refusals) {
                assertThat(state(accounts))
                        .as("nothing changed by the refused calls")
                        .isEqualTo(before);
            }
        }
        assertThat(missing)
                .as("signed-in routes without their cells (add these, after checking each against PRODUCT.md)")
                .isEmpty();
        assertThat(failures).isEmpty();
    }

    /**
     * The call with {@code body} (none for GET and DELETE); the two upload routes get a multipart
     * file: a CA certificate or a PKCS#12 when the body is one that would change the account, an
     * empty file otherwise.
     */
    private static Api.Response send(Api as, Route r, String path, Object body) {
        boolean changing = !body.equals(Map.of());
        if (r.path().endsWith("/trusted-cas") && r.method().equals("POST")) {
            return as.upload(path, "ca.pem", changing ? caPem() : new byte[0]);
        }
        if (r.path().endsWith("/private-chains/import")) {
            return as.upload(path, "file", "chain.pfx", changing ? caPem() : new byte[0], Map.of("password", "x"));
        }
        return as.send(r.method(), path, r.method().equals("GET") || r.method().equals("DELETE") ? null : body);
    }

    private static byte[] caPem() {
        java.time.Instant now = java.time.Instant.now();
        return io.certdesk.pki.testing.Pem.bytes(io.certdesk.pki.testing.Pem.certificate(
                io.certdesk.pki.testing.TestCa.certificate("CN=Cells CA " + System.nanoTime())
                        .validity(now.minusSeconds(60), now.plusSeconds(86_400 * 90))
                        .build()
                        .certificate()));
    }

    /** "forbidden", "hidden" (404 naming {@code account}), or the status. */
    private static String outcome(Api.Response answer, String account) {
        if (answer.status() == 403 && "forbidden".equals(answer.code())) {
            return "forbidden";
        }
        if (answer.status() == 404
                && "not_found".equals(answer.code())
                && account != null
                && answer.json().path("detail").asText().contains(account)) {
            return "hidden";
        }
        return String.valueOf(answer.status());
    }

    /** A body that would change the account if the call were admitted. */
    private static Object changingBody(Route route) {
        String p = route.path();
        if (p.endsWith("/domains")) {
            return Map.of("domains", List.of("taken-" + System.nanoTime() + ".test"));
        }
        if (p.endsWith("/generate")) {
            return Map.of("purpose", "TOKEN_SIGNING");
        }
        if (p.endsWith("/api-clients")) {
            return Map.of("name", "intruder");
        }
        if (p.endsWith("/webhooks")) {
            return Map.of("url", "https://hooks.example.test/intruder", "events", List.of("chain.imported"));
        }
        if (p.endsWith("/acme/eab")) {
            return Map.of("description", "intruder");
        }
        if (p.endsWith("/users")) {
            return Map.of("username", "intruder-" + System.nanoTime(), "password", "intruder-password");
        }
        if (p.endsWith("/lifecycle-settings")) {
            return Map.of("autoRenew", false);
        }
        if (p.endsWith("/trust-settings")) {
            return Map.of("revocation", "OFF", "includePublicRoots", true);
        }
        if (p.endsWith("/acme/settings")) {
            return Map.of("domainsPrevalidated", true);
        }
        if (p.endsWith("/scep/settings")) {
            return Map.of("enabled", true, "foreignNames", "HOLD");
        }
        if (p.endsWith("/scep/passwords")) {
            return Map.of("kind", "STATIC", "label", "intruder");
        }
        if (p.endsWith("/trusted-cas") || p.endsWith("/import")) {
            return Map.of("file", "a CA certificate or a PKCS#12");
        }
        if (p.equals("/api/v1/accounts")) {
            return Map.of("name", "Intruder", "type", "VENDOR");
        }
        return Map.of();
    }

    /** What the platform admin sees of each account: every list and setting a call could change. */
    private static Map<String, String> state(List<String> accounts) {
        Map<String, String> state = new java.util.TreeMap<>();
        for (String account : accounts) {
            for (String part : List.of(
                    "",
                    "/domains",
                    "/users",
                    "/trusted-cas",
                    "/trust-settings",
                    "/private-chains",
                    "/private-chains/requests",
                    "/certificates",
                    "/pki-settings",
                    "/lifecycle-settings",
                    "/api-clients",
                    "/webhooks",
                    "/acme/eab",
                    "/acme/settings",
                    "/scep/settings",
                    "/scep/passwords",
                    "/scep/requests")) {
                String path = "/api/v1/accounts/" + account + part;
                state.put(path, server.admin().get(path).text());
            }
        }
        state.put(
                "/api/v1/accounts",
                server.admin().get("/api/v1/accounts?limit=500").text());
        state.put(
                "/api/v1/platform/webhooks",
                server.admin().get("/api/v1/platform/webhooks").text());
        state.put(
                "/api/v1/platform/revocations",
                server.admin().get("/api/v1/platform/revocations").text());
        return state;
    }

    private static void expect(
            List<String> failures, Route r, String who, Api.Response answer, int status, String code) {
        if (answer.status() != status || (code != null && !code.equals(answer.code()))) {
            failures.add(key(r) + " as " + who + ": expected " + status + (code == null ? "" : " " + code) + ", got "
                    + answer.status() + " " + answer.code());
        }
    }

    private static Api.Response call(Route r, String account, String authorization) {
        return server.anonymous().sendRawWithHeader(r.method(), path(r, account), null, null, authorization);
    }

    private static String path(Route r, String account) {
        return r.path().replace("{id}", account).replaceAll("\\{[A-Za-z]+}", "00000000-0000-0000-0000-000000000000");
    }
}
