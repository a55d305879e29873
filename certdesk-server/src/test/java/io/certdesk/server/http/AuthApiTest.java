package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthApiTest extends OnBothDatabases {

    @Test
    void aSignedInAdminCanSeeWhoItIsAndSigningOutEndsTheSession() {
        Api admin = server.anonymous().login("admin", TestServer.ADMIN_PASSWORD);
        var me = admin.get("/api/v1/auth/me").assertStatus(200).json();
        assertThat(me.path("username").asText()).isEqualTo("admin");
        assertThat(me.path("role").asText()).isEqualTo("PLATFORM_ADMIN");
        admin.post("/api/v1/auth/logout", null).assertStatus(204);
        admin.get("/api/v1/auth/me").assertProblem(401, "unauthorized");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSameAnswer() {
        var wrong = server.anonymous()
                .post("/api/v1/auth/login", Map.of("username", "admin", "password", "not-the-password"))
                .assertProblem(401, "unauthorized");
        var unknown = server.anonymous()
                .post("/api/v1/auth/login", Map.of("username", "nobody-here", "password", "whatever-it-is"))
                .assertProblem(401, "unauthorized");
        assertThat(wrong.json().path("detail").asText())
                .isEqualTo(unknown.json().path("detail").asText());
        assertThat(wrong.text()).doesNotContain("not-the-password");
    }

    @Test
    void repeatedFailedSignInsForOneUserAreThrottled() {
        String account = server.admin().createVendor("Throttled");
        server.admin().createUser(account, "throttled-user", "the-right-password");
        Api anonymous = server.anonymous();
        for (int i = 0; i < 5; i++) {
            anonymous
                    .post("/api/v1/auth/login", Map.of("username", "throttled-user", "password", "wrong-" + i))
                    .assertProblem(401, "unauthorized");
        }
        var throttled = anonymous
                .post("/api/v1/auth/login", Map.of("username", "throttled-user", "password", "the-right-password"))
                .assertProblem(429, "too_many_attempts");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isBetween(1L, 900L);
        // Another user from the same address is not locked out by this user's failures.
        server.anonymous().login("admin", TestServer.ADMIN_PASSWORD);
        var audit = server.admin()
                .get("/api/v1/accounts/" + account + "/audit")
                .json()
                .path("entries");
        assertThat(audit).extracting(e -> e.path("action").asText()).contains("LOGIN_FAILED");
    }

    @Test
    void anAccountAdminPasswordMustBeLongEnoughAndTheNameFree() {
        String account = server.admin().createVendor("Users");
        server.admin()
                .post("/api/v1/accounts/" + account + "/users", Map.of("username", "shorty", "password", "short"))
                .assertProblem(422, "validation_failed");
        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/users",
                        Map.of("username", "admin", "password", "long-enough-password"))
                .assertProblem(409, "username_taken");
        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/users",
                        Map.of("username", "bad name!", "password", "long-enough-password"))
                .assertProblem(422, "validation_failed");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/users")
                        .json()
                        .path("users"))
                .isEmpty();
        var created = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/users",
                        Map.of("username", "Users.Admin", "password", "long-enough-password"))
                .assertStatus(201);
        assertThat(created.json().path("username").asText()).isEqualTo("users.admin");
        assertThat(created.text()).doesNotContain("long-enough-password").doesNotContain("argon2");
        server.anonymous()
                .login("users.admin", "long-enough-password")
                .get("/api/v1/accounts/" + account)
                .assertStatus(200);
    }
}
