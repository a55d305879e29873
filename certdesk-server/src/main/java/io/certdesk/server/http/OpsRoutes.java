package io.certdesk.server.http;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.store.Database;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Liveness, readiness and Prometheus metrics. */
final class OpsRoutes {
    private final Database database;
    private final PrometheusMeterRegistry registry;

    OpsRoutes(Database database, PrometheusMeterRegistry registry) {
        this.database = database;
        this.registry = registry;
    }

    void register(RouteTable routes) {
        routes.get("/healthz", ctx -> ctx.json(new Dto.Health("ok")));
        routes.get("/readyz", this::ready);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }

    private void ready(Context ctx) {
        if (!database.ping()) {
            throw new ServiceException(ErrorCode.NOT_READY, "The database does not answer.");
        }
        ctx.json(new Dto.Health("ready"));
    }
}
