package io.certdesk.server.http;

import io.certdesk.server.access.Principal;
import io.certdesk.server.access.Session;
import io.certdesk.server.access.UserService;
import io.javalin.http.Context;

/** Sign-in, sign-out and "who am I". */
final class AuthRoutes {
    private final UserService users;
    private final Requests requests;

    AuthRoutes(UserService users, Requests requests) {
        this.users = users;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post("/api/v1/auth/login", this::login);
        routes.post("/api/v1/auth/logout", this::logout);
        routes.get("/api/v1/auth/me", this::me);
    }

    private void login(Context ctx) {
        Dto.Login body = requests.body(ctx, Dto.Login.class);
        Session session = users.login(body.username(), body.password(), ctx.ip());
        ctx.header("Cache-Control", "no-store").json(new Dto.SessionJson(session.token(), session.expiresAt()));
    }

    private void logout(Context ctx) {
        requests.principal(ctx);
        Requests.token(ctx).ifPresent(users::logout);
        ctx.status(204);
    }

    private void me(Context ctx) {
        Principal p = requests.principal(ctx);
        ctx.json(new Dto.Me(p.userId(), p.username(), p.role().name(), p.accountId().orElse(null)));
    }
}
