package io.certdesk.server.http;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;

/** Liveness, readiness and Prometheus metrics. */
final class OpsRoutes {
    private final BooleanSupplier databaseAnswers;
    private final PrometheusMeterRegistry registry;

    OpsRoutes(BooleanSupplier databaseAnswers, PrometheusMeterRegistry registry) {
        this.databaseAnswers = databaseAnswers;
        this.registry = registry;
    }

    void register(RouteTable routes) {
        routes.get("/healthz", RouteAccess.PUBLIC, ctx -> ctx.json(new Dto.Health("ok")));
        routes.get("/readyz", RouteAccess.PUBLIC, this::ready);
        routes.get(
                "/metrics",
                RouteAccess.PUBLIC,
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
    }

    private void ready(Context ctx) {
        if (!databaseAnswers.getAsBoolean()) {
            throw new ServiceException(ErrorCode.NOT_READY, "The database does not answer.");
        }
        ctx.json(new Dto.Health("ready"));
    }
}
