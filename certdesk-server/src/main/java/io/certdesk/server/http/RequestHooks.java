package io.certdesk.server.http;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ipp.IppPrinter;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every request goes through before and after its route: a request id (header, log
 * context, audit), security headers, the listener's own paths, the body-size limit read from
 * {@code Content-Length} before any body is; then the request's timer and its access-log line.
 */
final class RequestHooks {
    private static final Logger access = LoggerFactory.getLogger("io.certdesk.access");
    private static final String STARTED = "certdesk.started";
    /** Refused bodies up to this size are read to the end before the 413 is sent (see {@link #drain}). */
    static final long DRAIN_LIMIT = 8L * 1024 * 1024;

    private final Predicate<Context> ipps;
    private final Predicate<Context> est;
    private final PrometheusMeterRegistry registry;

    RequestHooks(Predicate<Context> ipps, Predicate<Context> est, PrometheusMeterRegistry registry) {
        this.ipps = ipps;
        this.est = est;
        this.registry = registry;
    }

    void before(Context ctx) {
        String requestId = UUID.randomUUID().toString();
        ctx.attribute(AuditLog.REQUEST_ID, requestId);
        ctx.attribute(STARTED, System.nanoTime());
        MDC.put(AuditLog.REQUEST_ID, requestId);
        ctx.header("X-Request-Id", requestId);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (est.test(ctx) && !ctx.path().startsWith(EstRoutes.PREFIX)) {
            // the EST listener serves EST only (elsewhere a client certificate is never asked for)
            throw new ServiceException(ErrorCode.NOT_FOUND, "Only " + EstRoutes.PREFIX + " is served on this port.");
        }
        if (ipps.test(ctx) != ctx.path().equals(IppPrinter.PATH)) {
            // the IPPS listener serves printing only, and the API listener no printing
            throw new ServiceException(
                    ErrorCode.NOT_FOUND, "Nothing is served at " + abbreviate(ctx.path()) + " on this port.");
        }
        String length = ctx.header("Content-Length");
        long limit = ipps.test(ctx)
                ? IppPrinter.MAX_DOCUMENT_BYTES + 64 * 1024
                : ctx.isMultipartFormData() ? ApiServer.MAX_BODY + Uploads.FRAMING : ApiServer.MAX_BODY;
        if (length != null
                && length.chars().allMatch(Character::isDigit)
                && !length.isEmpty()
                && (length.length() > 12 || Long.parseLong(length) > limit)) {
            if (length.length() <= 12 && Long.parseLong(length) <= DRAIN_LIMIT) {
                drain(ctx);
            }
            throw ProblemResponses.tooLarge();
        }
    }

    void after(Context ctx) {
        Long started = ctx.attribute(STARTED);
        long nanos = started == null ? 0 : System.nanoTime() - started;
        String uri;
        try {
            uri = ctx.endpoint().path;
        } catch (RuntimeException e) {
            uri = "unmatched";
        }
        Timer.builder("http.server.requests")
                .tag("method", methodLabel(ctx.req().getMethod()))
                .tag("uri", uri)
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(Duration.ofNanos(nanos));
        access.info(
                "{} {} {} {}ms", methodLabel(ctx.req().getMethod()), ctx.path(), ctx.statusCode(), nanos / 1_000_000);
        MDC.remove(AuditLog.REQUEST_ID);
    }

    /**
     * Reads and discards a refused body of moderate size, so the client, still sending, reads the
     * 413 instead of a connection reset; larger bodies are cut off by closing the connection.
     */
    private static void drain(Context ctx) {
        try (var in = ctx.req().getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client went away; the connection closes anyway
        }
    }

    private static final java.util.Set<String> METHODS =
            java.util.Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

    /** The request line's method, or OTHER: a client must not add series to the metrics (or lines to the log) by inventing methods. */
    static String methodLabel(String method) {
        return METHODS.contains(method) ? method : "OTHER";
    }

    static String abbreviate(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }
}
