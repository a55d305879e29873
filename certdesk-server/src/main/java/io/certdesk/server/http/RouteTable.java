package io.certdesk.server.http;

import java.util.ArrayList;
import java.util.List;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;

/** Registers routes with Javalin and remembers them, so the API description can be checked against them. */
final class RouteTable {
    private final RoutesConfig routes;
    private final List<Route> registered = new ArrayList<>();

    RouteTable(RoutesConfig routes) {
        this.routes = routes;
    }

    void get(String path, Handler handler) {
        routes.get(path, handler);
        registered.add(new Route("GET", path));
    }

    void post(String path, Handler handler) {
        routes.post(path, handler);
        registered.add(new Route("POST", path));
    }

    void put(String path, Handler handler) {
        routes.put(path, handler);
        registered.add(new Route("PUT", path));
    }

    void patch(String path, Handler handler) {
        routes.patch(path, handler);
        registered.add(new Route("PATCH", path));
    }

    void delete(String path, Handler handler) {
        routes.delete(path, handler);
        registered.add(new Route("DELETE", path));
    }

    List<Route> registered() {
        return List.copyOf(registered);
    }
}
