package io.certdesk.server.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.users.UserService;
import io.certdesk.server.account.AccountService;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.trust.TrustSettingsService;
import io.certdesk.server.trust.TrustedCaService;
import io.certdesk.server.chains.ChainService;
import io.certdesk.server.chains.PkiSettingsService;
import io.certdesk.server.token.ApiClientService;
import io.certdesk.server.token.OAuthException;
import io.certdesk.server.token.TokenService;
import io.certdesk.server.ipp.IppPrinter;
import io.certdesk.server.tls.HelloReading;
import io.certdesk.server.tls.TlsChains;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The HTTPS API: one Javalin app on one TLS connector (there is no plain-HTTP port). Every
 * error leaves as an RFC 9457 problem; unknown failures as a 500 that names only the request id.
 */
public final class ApiServer {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final Logger access = LoggerFactory.getLogger("io.certdesk.access");
    /** Request bodies above this many bytes are refused with 413 {@code too_large}. */
    public static final long MAX_BODY = 1024 * 1024;
    /** Refused bodies up to this size are read to the end before the 413 is sent (see {@link #drain}). */
    static final long DRAIN_LIMIT = 8L * 1024 * 1024;
    private static final String STARTED = "certdesk.started";
    /** Failures of stored key material: the server's fault, never the request's. */
    static final java.util.Set<PkiError> INTERNAL_PKI_ERRORS = java.util.EnumSet.of(PkiError.INVALID_KEY_MATERIAL, PkiError.WRONG_MASTER_KEY);

    /** What the API serves; {@code databaseAnswers} is the readiness probe. */
    public record Services(java.util.function.BooleanSupplier databaseAnswers, AccountService accounts, UserService users,
                           PlatformCaService platformCa, TrustedCaService trustedCas, TrustSettingsService trustSettings, ChainService chains,
                           PkiSettingsService pkiSettings, ApiClientService apiClients, TokenService tokens,
                           TlsChains tlsChains, IppPrinter printer, io.certdesk.server.outbound.ConnectionCheckService checks,
                           PrometheusMeterRegistry registry) {
    }

    /**
     * Where to listen: the HTTPS port (console and API) and, unless empty, the IPPS port (only
     * {@code /ipp/print}); both present the chain selected by SNI through {@code tls}.
     */
    public record Listeners(SslContextFactory.Server tls, String bindHost, int httpsPort, java.util.OptionalInt ippsPort) {
    }

    private final Javalin app;
    private final List<Route> routes;
    private ServerConnector connector;
    private ServerConnector ippsConnector;

    public ApiServer(Services services, Listeners listeners) {
        ObjectMapper mapper = Json.mapper();
        Requests requests = new Requests(mapper, services.users(), services.tokens());
        RouteTable[] table = new RouteTable[1];
        this.app = Javalin.create(cfg -> {
            configure(cfg, mapper, listeners, new HandshakeMetrics(services.registry(), services.tlsChains()));
            table[0] = new RouteTable(cfg.routes);
            cfg.routes.before(this::beforeRequest);
            cfg.routes.after(ctx -> afterRequest(ctx, services.registry()));
            new OpsRoutes(services.databaseAnswers(), services.registry()).register(table[0]);
            new PlatformRoutes(services.platformCa()).register(table[0]);
            new AuthRoutes(services.users(), requests).register(table[0]);
            new AccountRoutes(services.accounts(), services.users(), requests).register(table[0]);
            new TrustRoutes(services.trustedCas(), services.trustSettings(), requests).register(table[0]);
            new ChainRoutes(services.chains(), services.pkiSettings(), requests).register(table[0]);
            new TokenRoutes(services.apiClients(), services.tokens(), requests).register(table[0]);
            new ConnectionCheckRoutes(services.checks(), requests).register(table[0]);
            new ConsoleRoutes().register(table[0]);
            new TlsRoutes(services.accounts(), services.tlsChains(), services.printer(), requests, this::isIpps).register(table[0]);
            cfg.routes.exception(OAuthException.class, ApiServer::oauthError);
            cfg.routes.exception(ServiceException.class, (e, ctx) -> problem(ctx, e.code(), e.getMessage(), e.details()));
            cfg.routes.exception(PkiException.class, (e, ctx) -> {
                if (INTERNAL_PKI_ERRORS.contains(e.error())) {
                    internalProblem(e, ctx);
                } else {
                    problem(ctx, e);
                }
            });
            cfg.routes.exception(HttpResponseException.class, this::httpProblem);
            cfg.routes.exception(Exception.class, this::internalProblem);
        });
        this.routes = table[0].registered();
    }

    private void configure(JavalinConfig cfg, ObjectMapper mapper, Listeners listeners, HandshakeMetrics handshakes) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = MAX_BODY;
        cfg.jetty.multipartConfig.maxFileSize(2, SizeUnit.MB);
        cfg.jetty.multipartConfig.maxInMemoryFileSize(2, SizeUnit.MB);
        cfg.jetty.multipartConfig.maxTotalRequestSize(3, SizeUnit.MB);
        cfg.http.defaultContentType = "application/json";
        cfg.jsonMapper(new JavalinJackson(mapper, false));
        cfg.jetty.modifyServer(server -> server.setStopTimeout(Duration.ofSeconds(10).toMillis()));
        cfg.jetty.addConnector((server, httpConfig) -> {
            this.connector = connector(server, httpConfig, listeners, listeners.httpsPort(), handshakes.listener("https"));
            return connector;
        });
        listeners.ippsPort().ifPresent(ipps -> cfg.jetty.addConnector((server, httpConfig) -> {
            this.ippsConnector = connector(server, httpConfig, listeners, ipps, handshakes.listener("ipps"));
            return ippsConnector;
        }));
    }

    private static ServerConnector connector(org.eclipse.jetty.server.Server server, HttpConfiguration httpConfig, Listeners listeners, int port,
                                             org.eclipse.jetty.io.ssl.SslHandshakeListener handshakes) {
        HttpConfiguration https = new HttpConfiguration(httpConfig);
        https.setSendServerVersion(false);
        https.setSendXPoweredBy(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // the chain is chosen per handshake; a client without SNI still gets an answer
        secure.setStsMaxAge(Duration.ofDays(365).toSeconds());
        https.addCustomizer(secure);
        ServerConnector c = new ServerConnector(server, HelloReading.connectionFactory(listeners.tls(), "http/1.1"), new HttpConnectionFactory(https));
        c.setHost(listeners.bindHost());
        c.setPort(port);
        c.setIdleTimeout(Duration.ofSeconds(60).toMillis());
        c.addBean(handshakes);
        return c;
    }

    /** Whether the request came in on the IPPS listener. */
    private boolean isIpps(Context ctx) {
        return ippsConnector != null && ctx.req().getLocalPort() == ippsConnector.getLocalPort();
    }

    /** The IPPS port bound, when that listener is on. */
    public java.util.OptionalInt ippsPort() {
        return ippsConnector == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(ippsConnector.getLocalPort());
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public List<Route> routes() {
        return routes;
    }

    public void stop() {
        app.stop();
    }

    private void beforeRequest(Context ctx) {
        String requestId = UUID.randomUUID().toString();
        ctx.attribute(AuditLog.REQUEST_ID, requestId);
        ctx.attribute(STARTED, System.nanoTime());
        MDC.put(AuditLog.REQUEST_ID, requestId);
        ctx.header("X-Request-Id", requestId);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (isIpps(ctx) != ctx.path().equals(IppPrinter.PATH)) {
            // the IPPS listener serves printing only, and the API listener no printing
            throw new ServiceException(ErrorCode.NOT_FOUND, "Nothing is served at " + abbreviate(ctx.path()) + " on this port.");
        }
        String length = ctx.header("Content-Length");
        long limit = isIpps(ctx) ? IppPrinter.MAX_DOCUMENT_BYTES + 64 * 1024 : ctx.isMultipartFormData() ? MAX_BODY + Uploads.FRAMING : MAX_BODY;
        if (length != null && length.chars().allMatch(Character::isDigit) && !length.isEmpty()
                && (length.length() > 12 || Long.parseLong(length) > limit)) {
            if (length.length() <= 12 && Long.parseLong(length) <= DRAIN_LIMIT) {
                drain(ctx);
            }
            throw tooLarge();
        }
    }

    private void afterRequest(Context ctx, PrometheusMeterRegistry registry) {
        Long started = ctx.attribute(STARTED);
        long nanos = started == null ? 0 : System.nanoTime() - started;
        String uri;
        try {
            uri = ctx.endpoint().path;
        } catch (RuntimeException e) {
            uri = "unmatched";
        }
        Timer.builder("http.server.requests")
                .tag("method", ctx.method().name())
                .tag("uri", uri)
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(Duration.ofNanos(nanos));
        access.info("{} {} {} {}ms", ctx.method().name(), ctx.path(), ctx.statusCode(), nanos / 1_000_000);
        MDC.remove(AuditLog.REQUEST_ID);
    }

    /**
     * Reads and discards a refused body of moderate size, so the client, still sending, reads the
     * 413 instead of a connection reset; larger bodies are cut off by closing the connection.
     */
    private static void drain(Context ctx) {
        try (var in = ctx.req().getInputStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.IOException e) {
            // the client went away; the connection closes anyway
        }
    }

    private static ServiceException tooLarge() {
        return new ServiceException(ErrorCode.TOO_LARGE,
                "The request body is larger than " + (MAX_BODY / 1024) + " KiB, the most this server accepts.");
    }

    /** RFC 6749 §5.2: {@code {"error", "error_description"}}, not a problem document. */
    private static void oauthError(OAuthException e, Context ctx) {
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Basic realm=\"certdesk\"");
        }
        ctx.header("Cache-Control", "no-store");
        ctx.status(e.status()).json(Map.of("error", e.error(), "error_description", e.getMessage()));
    }

    /** A refusal of the PKI core: its stable code, 413 for size, else 422. */
    private static void problem(Context ctx, PkiException e) {
        ErrorCode status = e.error() == PkiError.TOO_LARGE ? ErrorCode.TOO_LARGE : ErrorCode.VALIDATION_FAILED;
        ctx.status(status.status()).json(Problem.of(e.error().code(), status.status(), titleOf(e.error()), e.getMessage(),
                ctx.attribute(AuditLog.REQUEST_ID), Map.of()));
        ctx.contentType(Problem.CONTENT_TYPE);
    }

    private static String titleOf(PkiError error) {
        String words = error.code().replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private void httpProblem(HttpResponseException e, Context ctx) {
        ErrorCode code = switch (e.getStatus()) {
            case 400 -> ErrorCode.MALFORMED_REQUEST;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> null;
        };
        if (code == null) {
            internalProblem(e, ctx);
            return;
        }
        String detail = switch (code) {
            case NOT_FOUND -> "There is nothing at " + ctx.method().name() + " " + abbreviate(ctx.path()) + ".";
            case TOO_LARGE -> tooLarge().getMessage();
            default -> code.title() + ".";
        };
        problem(ctx, code, detail, Map.of());
    }

    private void internalProblem(Exception e, Context ctx) {
        String requestId = ctx.attribute(AuditLog.REQUEST_ID);
        log.error("Request {} {} failed (request id {})", ctx.method().name(), ctx.path(), requestId, e);
        problem(ctx, ErrorCode.INTERNAL_ERROR, "Something went wrong on our side. Quote request id " + requestId + " to your operator.", Map.of());
    }

    private static void problem(Context ctx, ErrorCode code, String detail, Map<String, Object> extra) {
        switch (code) {
            case UNAUTHORIZED -> ctx.header("WWW-Authenticate", "Bearer realm=\"certdesk\"");
            // RFC 6750 §3: the error, and for a missing scope the scope that is needed
            case INVALID_TOKEN -> ctx.header("WWW-Authenticate", "Bearer realm=\"certdesk\", error=\"invalid_token\", error_description=\""
                    + detail.replace("\"", "'") + "\"");
            case INSUFFICIENT_SCOPE -> ctx.header("WWW-Authenticate", "Bearer realm=\"certdesk\", error=\"insufficient_scope\""
                    + (extra.get("scope") == null ? "" : ", scope=\"" + extra.get("scope") + "\""));
            default -> {
            }
        }
        Object retry = extra.get("retryAfterSeconds");
        if (retry != null) {
            ctx.header("Retry-After", retry.toString());
        }
        ctx.status(code.status()).json(Problem.of(code.code(), code.status(), code.title(), detail, ctx.attribute(AuditLog.REQUEST_ID), extra));
        ctx.contentType(Problem.CONTENT_TYPE);
    }

    private static String abbreviate(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "..." : path;
    }
}
