package io.certdesk.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers routes with Javalin, each with who may call it ({@link RouteAccess}), and remembers
 * them, so the API description can be checked against them. The caller is authenticated here,
 * before the handler, and kept on the request for {@link Requests#caller}.
 */
final class RouteTable {
    private final RoutesConfig routes;
    private final Requests requests;
    private final List<Route> registered = new ArrayList<>();

    RouteTable(RoutesConfig routes, Requests requests) {
        this.routes = routes;
        this.requests = requests;
    }

    void get(String path, RouteAccess access, Handler handler) {
        routes.get(path, guarded(access, handler));
        remember("GET", path, access);
    }

    void post(String path, RouteAccess access, Handler handler) {
        routes.post(path, guarded(access, handler));
        remember("POST", path, access);
    }

    void put(String path, RouteAccess access, Handler handler) {
        routes.put(path, guarded(access, handler));
        remember("PUT", path, access);
    }

    void patch(String path, RouteAccess access, Handler handler) {
        routes.patch(path, guarded(access, handler));
        remember("PATCH", path, access);
    }

    void head(String path, RouteAccess access, Handler handler) {
        routes.head(path, guarded(access, handler));
        remember("HEAD", path, access);
    }

    void delete(String path, RouteAccess access, Handler handler) {
        routes.delete(path, guarded(access, handler));
        remember("DELETE", path, access);
    }

    List<Route> registered() {
        return List.copyOf(registered);
    }

    private Handler guarded(RouteAccess access, Handler handler) {
        return switch (access.kind()) {
            case PUBLIC -> handler;
            case SIGNED_IN ->
                ctx -> {
                    ctx.attribute(Requests.CALLER, requests.principal(ctx));
                    handler.handle(ctx);
                };
            case SIGNED_IN_OR_TOKEN ->
                ctx -> {
                    ctx.attribute(
                            Requests.CALLER, requests.reader(ctx, access.scope().orElseThrow()));
                    handler.handle(ctx);
                };
        };
    }

    private void remember(String method, String path, RouteAccess access) {
        registered.add(new Route(
                method,
                path,
                access.kind() != RouteAccess.Kind.PUBLIC,
                access.scope().map(s -> s.value())));
    }
}
