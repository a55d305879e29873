package io.certdesk.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.server.account.AccountService;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.chains.ChainRenewalService;
import io.certdesk.server.chains.ChainService;
import io.certdesk.server.chains.LifecycleSettingsService;
import io.certdesk.server.chains.PkiSettingsService;
import io.certdesk.server.chains.RevocationService;
import io.certdesk.server.expiry.ExpiryService;
import io.certdesk.server.ipp.IppPrinter;
import io.certdesk.server.outbound.ConnectionCheckService;
import io.certdesk.server.requests.ChainRequestService;
import io.certdesk.server.requests.DeviceSigningService;
import io.certdesk.server.tls.TlsChains;
import io.certdesk.server.token.ApiClientService;
import io.certdesk.server.token.TokenService;
import io.certdesk.server.trust.TrustSettingsService;
import io.certdesk.server.trust.TrustedCaService;
import io.certdesk.server.users.UserService;
import io.certdesk.server.webhooks.WebhookService;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS API, wired: one Javalin app on the TLS listeners ({@link Connectors}; the API has no
 * plain-HTTP port: only the CA's publications do, {@link PkiListener}), every request through {@link RequestHooks}, every route declared with who may
 * call it in one {@link RouteTable}, every failure answered by {@link ProblemResponses}.
 */
public final class ApiServer {
    /** Request bodies above this many bytes are refused with 413 {@code too_large}. */
    public static final long MAX_BODY = 1024 * 1024;

    /** What the API serves; {@code databaseAnswers} is the readiness probe. */
    public record Services(
            BooleanSupplier databaseAnswers,
            AccountService accounts,
            UserService users,
            PlatformCaService platformCa,
            TrustedCaService trustedCas,
            TrustSettingsService trustSettings,
            ChainService chains,
            ChainRequestService chainRequests,
            DeviceSigningService deviceSigning,
            RevocationService revocations,
            ChainRenewalService renewals,
            LifecycleSettingsService lifecycleSettings,
            ExpiryService expiry,
            WebhookService webhooks,
            PkiSettingsService pkiSettings,
            ApiClientService apiClients,
            TokenService tokens,
            TlsChains tlsChains,
            IppPrinter printer,
            ConnectionCheckService checks,
            io.certdesk.server.acme.AcmeService acme,
            io.certdesk.server.acme.AcmeAdminService acmeAdmin,
            io.certdesk.server.scep.ScepAdminService scepAdmin,
            io.certdesk.server.scep.EstService est,
            io.certdesk.server.backup.Backups backups,
            PrometheusMeterRegistry registry) {}

    /**
     * Where to listen: the HTTPS port (console and API) and, unless empty, the IPPS port (only
     * {@code /ipp/print}); both present the chain selected by SNI through {@code tls}.
     */
    public record Listeners(
            SslContextFactory.Server tls,
            String bindHost,
            int httpsPort,
            OptionalInt ippsPort,
            int maxConnectionsPerClient,
            java.util.Optional<String> metricsToken,
            OptionalInt estPort,
            java.util.Optional<SslContextFactory.Server> estTls) {}

    private final Javalin app;
    private final Connectors connectors;
    private final List<Route> routes;

    public ApiServer(Services services, Listeners listeners) {
        ObjectMapper mapper = Json.mapper();
        Requests requests = new Requests(mapper, services.users(), services.tokens());
        this.connectors = new Connectors(listeners, services.tlsChains());
        io.micrometer.core.instrument.FunctionCounter.builder(
                        "certdesk.http.connections.refused", connectors, Connectors::refusedConnections)
                .description("Connections closed as they arrived because their client already held the most it may")
                .register(services.registry());
        RequestHooks hooks = new RequestHooks(connectors::isIpps, connectors::isEst, services.registry());
        RouteTable[] table = new RouteTable[1];
        this.app = Javalin.create(cfg -> {
            configure(cfg, mapper);
            connectors.install(cfg, new HandshakeMetrics(services.registry(), services.tlsChains()));
            cfg.routes.before(hooks::before);
            cfg.routes.after(hooks::after);
            RouteTable routes = new RouteTable(cfg.routes, requests);
            new OpsRoutes(services.databaseAnswers(), services.registry(), listeners.metricsToken()).register(routes);
            new PlatformRoutes(services.platformCa(), services.revocations(), requests).register(routes);
            new ExpiryRoutes(services.expiry()).register(routes);
            new BackupRoutes(services.backups()).register(routes);
            new WebhookRoutes(services.webhooks(), requests).register(routes);
            new AuthRoutes(services.users(), requests).register(routes);
            new AccountRoutes(services.accounts(), services.users(), requests).register(routes);
            new TrustRoutes(services.trustedCas(), services.trustSettings(), requests).register(routes);
            ChainRoutes chainRoutes = new ChainRoutes(
                    services.chains(),
                    services.revocations(),
                    services.renewals(),
                    services.lifecycleSettings(),
                    services.pkiSettings(),
                    services.tlsChains(),
                    requests);
            // before the chains' own routes: "/private-chains/requests" is not a chain id
            new EnrollmentRoutes(
                            services.chainRequests(),
                            services.deviceSigning(),
                            services.revocations(),
                            chainRoutes,
                            requests)
                    .register(routes);
            chainRoutes.register(routes);
            new TokenRoutes(services.apiClients(), services.tokens(), requests).register(routes);
            new ConnectionCheckRoutes(services.checks(), requests).register(routes);
            new AcmeAdminRoutes(services.acmeAdmin(), requests).register(routes);
            new ScepAdminRoutes(services.scepAdmin(), requests).register(routes);
            new EstRoutes(services.est()).register(routes);
            new AcmeRoutes(services.acme()).register(routes);
            new ConsoleRoutes().register(routes);
            new TlsRoutes(services.accounts(), services.tlsChains(), services.printer(), requests, connectors::isIpps)
                    .register(routes);
            ProblemResponses.register(cfg.routes);
            table[0] = routes;
        });
        this.routes = table[0].registered();
    }

    private static void configure(JavalinConfig cfg, ObjectMapper mapper) {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.http.maxRequestSize = MAX_BODY;
        cfg.jetty.multipartConfig.maxFileSize(2, SizeUnit.MB);
        cfg.jetty.multipartConfig.maxInMemoryFileSize(2, SizeUnit.MB);
        cfg.jetty.multipartConfig.maxTotalRequestSize(3, SizeUnit.MB);
        cfg.http.defaultContentType = "application/json";
        // Pages are sent as they are: compressing HTML is what BREACH measures (testssl.sh flags it);
        // JSON, scripts and styles are still compressed
        io.javalin.compression.CompressionStrategy compression =
                new io.javalin.compression.CompressionStrategy(null, new io.javalin.compression.Gzip());
        java.util.List<String> excluded = new java.util.ArrayList<>(compression.getExcludedMimeTypes());
        excluded.add("text/html");
        compression.setExcludedMimeTypes(excluded);
        cfg.http.compressionStrategy = compression;
        cfg.jsonMapper(new JavalinJackson(mapper, false));
        cfg.jetty.modifyServer(server -> {
            server.setStopTimeout(Duration.ofSeconds(10).toMillis());
            server.setErrorHandler(new ProblemErrorHandler());
            // the outermost handler: Javalin puts its servlet context inside it
            server.setHandler(new BodyPace());
        });
        cfg.jetty.modifyServletContextHandler(handler -> handler.addFilter(
                new org.eclipse.jetty.ee10.servlet.FilterHolder(new MethodOverrideIgnored()),
                "/*",
                java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST)));
    }

    public ApiServer start() {
        app.start();
        return this;
    }

    /** The HTTPS port actually bound (useful with port 0). */
    public int port() {
        return connectors.httpsPort();
    }

    /** The IPPS port bound, when that listener is on. */
    public OptionalInt estPort() {
        return connectors.estPort();
    }

    public OptionalInt ippsPort() {
        return connectors.ippsPort();
    }

    /** Every route, with who may call it. */
    public List<Route> routes() {
        return routes;
    }

    public void stop() {
        app.stop();
    }
}
