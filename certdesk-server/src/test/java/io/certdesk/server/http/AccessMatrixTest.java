package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.OnBothDatabases;
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
 * token. What each route admits is written in {@link #ACCESS}, one row a route: a route added
 * without its row, or a row whose route is gone, fails the build. Who may reach which account
 * once admitted (platform, vendor and customer admins on their own, their customers, siblings and
 * other vendors) is {@link TenantIsolationTest}'s; the ACME routes authenticate by JWS (acme/).
 */
class AccessMatrixTest extends OnBothDatabases {
    /** "public", "session" (signed-in users only), or "token SCOPE" (a session, or an access token with SCOPE). */
    private static final Map<String, String> ACCESS = table(
            "GET / -> public",
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
            "GET /api/v1/accounts -> session",
            "POST /api/v1/accounts -> session",
            "DELETE /api/v1/accounts/{id} -> session",
            "GET /api/v1/accounts/{id} -> session",
            "GET /api/v1/accounts/{id}/.well-known/jwks.json -> public",
            "GET /api/v1/accounts/{id}/.well-known/openid-configuration -> public",
            "GET /api/v1/accounts/{id}/acme/eab -> token pki-settings:read",
            "POST /api/v1/accounts/{id}/acme/eab -> session",
            "DELETE /api/v1/accounts/{id}/acme/eab/{keyId} -> session",
            "GET /api/v1/accounts/{id}/acme/settings -> token pki-settings:read",
            "PUT /api/v1/accounts/{id}/acme/settings -> session",
            "GET /api/v1/accounts/{id}/api-clients -> session",
            "POST /api/v1/accounts/{id}/api-clients -> session",
            "DELETE /api/v1/accounts/{id}/api-clients/{clientId} -> session",
            "POST /api/v1/accounts/{id}/api-clients/{clientId}/secret -> session",
            "GET /api/v1/accounts/{id}/audit -> session",
            "GET /api/v1/accounts/{id}/certificates -> token certificates:read",
            "POST /api/v1/accounts/{id}/certificates/sign -> session",
            "GET /api/v1/accounts/{id}/certificates/{serial} -> token certificates:read",
            "GET /api/v1/accounts/{id}/certificates/{serial}/chain.p7b -> token certificates:read",
            "GET /api/v1/accounts/{id}/certificates/{serial}/chain.pem -> token certificates:read",
            "POST /api/v1/accounts/{id}/certificates/{serial}/revoke -> session",
            "GET /api/v1/accounts/{id}/domains -> session",
            "PUT /api/v1/accounts/{id}/domains -> session",
            "GET /api/v1/accounts/{id}/expiring -> token certificates:read",
            "GET /api/v1/accounts/{id}/lifecycle-settings -> token pki-settings:read",
            "PUT /api/v1/accounts/{id}/lifecycle-settings -> session",
            "POST /api/v1/accounts/{id}/oauth2/token -> public",
            "GET /api/v1/accounts/{id}/pki-settings -> token pki-settings:read",
            "PUT /api/v1/accounts/{id}/pki-settings -> session",
            "GET /api/v1/accounts/{id}/private-chains -> token certificates:read",
            "POST /api/v1/accounts/{id}/private-chains/generate -> session",
            "POST /api/v1/accounts/{id}/private-chains/import -> session",
            "GET /api/v1/accounts/{id}/private-chains/requests -> token certificates:read",
            "POST /api/v1/accounts/{id}/private-chains/requests -> session",
            "DELETE /api/v1/accounts/{id}/private-chains/requests/{requestId} -> session",
            "GET /api/v1/accounts/{id}/private-chains/requests/{requestId} -> token certificates:read",
            "POST /api/v1/accounts/{id}/private-chains/requests/{requestId}/certificate -> session",
            "GET /api/v1/accounts/{id}/private-chains/requests/{requestId}/csr.pem -> token certificates:read",
            "DELETE /api/v1/accounts/{id}/private-chains/{chainId} -> session",
            "GET /api/v1/accounts/{id}/private-chains/{chainId} -> token certificates:read",
            "GET /api/v1/accounts/{id}/private-chains/{chainId}/chain.pem -> token certificates:read",
            "POST /api/v1/accounts/{id}/private-chains/{chainId}/renew -> session",
            "POST /api/v1/accounts/{id}/private-chains/{chainId}/revoke -> session",
            "GET /api/v1/accounts/{id}/tls/{domain}/chain.pem -> token certificates:read",
            "GET /api/v1/accounts/{id}/trust-settings -> session",
            "PUT /api/v1/accounts/{id}/trust-settings -> session",
            "POST /api/v1/accounts/{id}/trust/check -> session",
            "GET /api/v1/accounts/{id}/trusted-cas -> token certificates:read",
            "POST /api/v1/accounts/{id}/trusted-cas -> session",
            "POST /api/v1/accounts/{id}/trusted-cas/from-check -> session",
            "DELETE /api/v1/accounts/{id}/trusted-cas/{certId} -> session",
            "GET /api/v1/accounts/{id}/trusted-cas/{certId} -> token certificates:read",
            "PATCH /api/v1/accounts/{id}/trusted-cas/{certId} -> session",
            "GET /api/v1/accounts/{id}/trusted-cas/{certId}/pem -> token certificates:read",
            "GET /api/v1/accounts/{id}/users -> session",
            "POST /api/v1/accounts/{id}/users -> session",
            "GET /api/v1/accounts/{id}/webhooks -> session",
            "POST /api/v1/accounts/{id}/webhooks -> session",
            "DELETE /api/v1/accounts/{id}/webhooks/{webhookId} -> session",
            "GET /api/v1/accounts/{id}/webhooks/{webhookId}/deliveries -> session",
            "POST /api/v1/accounts/{id}/webhooks/{webhookId}/ping -> session",
            "POST /api/v1/auth/login -> public",
            "POST /api/v1/auth/logout -> session",
            "GET /api/v1/auth/me -> session",
            "DELETE /api/v1/auth/session -> session",
            "GET /api/v1/auth/session -> session",
            "POST /api/v1/auth/session -> public",
            "POST /api/v1/platform/backup -> session",
            "GET /api/v1/platform/ca.der -> public",
            "GET /api/v1/platform/ca.pem -> public",
            "GET /api/v1/platform/expiring -> session",
            "GET /api/v1/platform/revocations -> session",
            "POST /api/v1/platform/revocations -> session",
            "GET /api/v1/platform/webhooks -> session",
            "POST /api/v1/platform/webhooks -> session",
            "DELETE /api/v1/platform/webhooks/{webhookId} -> session",
            "GET /api/v1/platform/webhooks/{webhookId}/deliveries -> session",
            "POST /api/v1/platform/webhooks/{webhookId}/ping -> session",
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
            assertThat(ACCESS.get(key(r))).as(key(r)).isEqualTo(declared(r));
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
            String row = ACCESS.get(key(r));
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
