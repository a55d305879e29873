package io.certdesk.server.http;

import io.certdesk.server.access.Principal;
import io.certdesk.server.users.Session;
import io.certdesk.server.users.UserService;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/** Sign-in, sign-out and "who am I". */
final class AuthRoutes {
    private final UserService users;
    private final Requests requests;

    AuthRoutes(UserService users, Requests requests) {
        this.users = users;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post("/api/v1/auth/login", RouteAccess.PUBLIC, this::login);
        routes.post("/api/v1/auth/logout", RouteAccess.SIGNED_IN, this::logout);
        routes.get("/api/v1/auth/me", RouteAccess.SIGNED_IN, this::me);
        routes.post("/api/v1/auth/session", RouteAccess.PUBLIC, this::openSession);
        routes.get("/api/v1/auth/session", RouteAccess.SIGNED_IN, this::session);
        routes.delete("/api/v1/auth/session", RouteAccess.SIGNED_IN, this::closeSession);
    }

    /** The console's sign-in: the session goes into an HttpOnly cookie; the answer carries its CSRF token. */
    private void openSession(Context ctx) {
        Dto.Login body = requests.body(ctx, Dto.Login.class);
        Session session = users.login(body.username(), body.password(), ctx.ip());
        long seconds =
                Math.max(0, Duration.between(Instant.now(), session.expiresAt()).toSeconds());
        ctx.header(
                "Set-Cookie",
                Requests.SESSION_COOKIE + "=" + session.token() + "; Path=/; Max-Age=" + seconds
                        + "; HttpOnly; Secure; SameSite=Strict");
        Principal p = users.authenticate(session.token()).orElseThrow();
        ctx.header("Cache-Control", "no-store")
                .json(new Dto.ConsoleSession(Requests.csrfToken(session.token()), session.expiresAt(), me(p)));
    }

    /** The console's session after a reload: who is signed in, and the CSRF token. */
    private void session(Context ctx) {
        Principal p = Requests.caller(ctx);
        String token = Requests.token(ctx).orElseThrow();
        ctx.header("Cache-Control", "no-store").json(new Dto.ConsoleSession(Requests.csrfToken(token), null, me(p)));
    }

    private void closeSession(Context ctx) {
        Requests.token(ctx).ifPresent(users::logout);
        ctx.header("Set-Cookie", Requests.SESSION_COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
        ctx.status(204);
    }

    private static Dto.Me me(Principal p) {
        return new Dto.Me(
                p.userId(), p.username(), p.role().name(), p.accountId().orElse(null));
    }

    private void login(Context ctx) {
        Dto.Login body = requests.body(ctx, Dto.Login.class);
        Session session = users.login(body.username(), body.password(), ctx.ip());
        ctx.header("Cache-Control", "no-store").json(new Dto.SessionJson(session.token(), session.expiresAt()));
    }

    private void logout(Context ctx) {
        Requests.token(ctx).ifPresent(users::logout);
        ctx.status(204);
    }

    private void me(Context ctx) {
        Principal p = Requests.caller(ctx);
        ctx.json(me(p));
    }
}
