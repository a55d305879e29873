package io.certdesk.server.http;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** Liveness, readiness and Prometheus metrics. */
final class OpsRoutes {
    private final BooleanSupplier databaseAnswers;
    private final PrometheusMeterRegistry registry;
    private final Optional<byte[]> metricsToken;

    OpsRoutes(BooleanSupplier databaseAnswers, PrometheusMeterRegistry registry, Optional<String> metricsToken) {
        this.databaseAnswers = databaseAnswers;
        this.registry = registry;
        this.metricsToken = metricsToken.map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    void register(RouteTable routes) {
        routes.get("/healthz", RouteAccess.PUBLIC, ctx -> ctx.json(new Dto.Health("ok")));
        routes.get("/readyz", RouteAccess.PUBLIC, this::ready);
        routes.get("/metrics", RouteAccess.PUBLIC, ctx -> {
            requireMetricsToken(ctx);
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
        });
    }

    /** With --metrics-token, the series (which name how much each account holds) are the operator's only. */
    private void requireMetricsToken(Context ctx) {
        if (metricsToken.isEmpty()) {
            return;
        }
        byte[] given = Requests.bearer(ctx)
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .orElse(new byte[0]);
        if (!MessageDigest.isEqual(given, metricsToken.get())) {
            throw new ServiceException(
                    ErrorCode.UNAUTHORIZED,
                    "The metrics are the operator's: send 'Authorization: Bearer' with the metrics token.");
        }
    }

    private void ready(Context ctx) {
        if (!databaseAnswers.getAsBoolean()) {
            throw new ServiceException(ErrorCode.NOT_READY, "The database does not answer.");
        }
        ctx.json(new Dto.Health("ready"));
    }
}
