package io.certdesk.server.app;

import io.certdesk.pki.certs.Signatures;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.access.FailureThrottle;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.AccountService;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.audit.AuditStore;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.ca.PlatformCaStore;
import io.certdesk.server.ca.RevocationPublisher;
import io.certdesk.server.chains.ChainRenewalService;
import io.certdesk.server.chains.ChainService;
import io.certdesk.server.chains.ChainStore;
import io.certdesk.server.chains.LifecycleSettingsService;
import io.certdesk.server.chains.PkiSettingsService;
import io.certdesk.server.chains.PkiSettingsStore;
import io.certdesk.server.chains.RenewalSweep;
import io.certdesk.server.expiry.ExpiringItem;
import io.certdesk.server.expiry.ExpiryNotices;
import io.certdesk.server.expiry.ExpiryService;
import io.certdesk.server.http.ApiServer;
import io.certdesk.server.http.PkiListener;
import io.certdesk.server.http.Route;
import io.certdesk.server.ipp.IppPrinter;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.keys.MasterKeys;
import io.certdesk.server.keys.SealedKeyStore;
import io.certdesk.server.outbound.ConnectionCheckService;
import io.certdesk.server.outbound.IssuerOcsp;
import io.certdesk.server.outbound.PublicRoots;
import io.certdesk.server.outbound.WebhookPoster;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.DatabaseKind;
import io.certdesk.server.tls.IssuerRevocationWatch;
import io.certdesk.server.tls.OcspStaples;
import io.certdesk.server.tls.ServerTls;
import io.certdesk.server.tls.TlsChains;
import io.certdesk.server.tls.TlsChangeListener;
import io.certdesk.server.tls.TlsEngine;
import io.certdesk.server.token.ApiClientService;
import io.certdesk.server.token.ApiClientStore;
import io.certdesk.server.token.TokenService;
import io.certdesk.server.trust.TrustSettingsService;
import io.certdesk.server.trust.TrustSettingsStore;
import io.certdesk.server.trust.TrustedCaService;
import io.certdesk.server.trust.TrustedCaStore;
import io.certdesk.server.users.PasswordHasher;
import io.certdesk.server.users.UserService;
import io.certdesk.server.users.UserStore;
import io.certdesk.server.webhooks.Outbox;
import io.certdesk.server.webhooks.WebhookDelivery;
import io.certdesk.server.webhooks.WebhookService;
import io.certdesk.server.webhooks.WebhookStore;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Certdesk node: database, platform CA, services and the HTTPS API, wired together. */
public final class CertdeskServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertdeskServer.class);
    public static final String CA_FILE = "platform-ca.pem";

    private final ServerConfig config;
    private final Database database;
    private final PlatformCaService platformCa;
    private final ApiServer api;
    private final Optional<String> generatedAdminPassword;
    private final JvmGcMetrics gcMetrics;
    /** Null on H2 (one node). */
    private final TlsChangeListener tlsListener;

    private final RevocationPublisher publisher;
    private final Optional<String> pkiUrl;
    private final IssuerRevocationWatch issuerWatch;
    private final RenewalSweep renewalSweep;
    private final io.certdesk.server.requests.RequestExpiry requestExpiry;
    private final io.certdesk.server.acme.AcmeService acme;
    private final WebhookDelivery webhookDelivery;
    private final ExpiryNotices expiryNotices;
    /** Null without --http-port. */
    private final PkiListener pkiListener;

    private CertdeskServer(
            ServerConfig config,
            Database database,
            PlatformCaService platformCa,
            ApiServer api,
            Optional<String> generatedAdminPassword,
            JvmGcMetrics gcMetrics,
            TlsChangeListener tlsListener,
            RevocationPublisher publisher,
            PkiListener pkiListener,
            Optional<String> pkiUrl,
            IssuerRevocationWatch issuerWatch,
            RenewalSweep renewalSweep,
            io.certdesk.server.requests.RequestExpiry requestExpiry,
            io.certdesk.server.acme.AcmeService acme,
            WebhookDelivery webhookDelivery,
            ExpiryNotices expiryNotices) {
        this.requestExpiry = requestExpiry;
        this.acme = acme;
        this.expiryNotices = expiryNotices;
        this.renewalSweep = renewalSweep;
        this.webhookDelivery = webhookDelivery;
        this.config = config;
        this.database = database;
        this.platformCa = platformCa;
        this.api = api;
        this.generatedAdminPassword = generatedAdminPassword;
        this.gcMetrics = gcMetrics;
        this.tlsListener = tlsListener;
        this.publisher = publisher;
        this.pkiListener = pkiListener;
        this.pkiUrl = pkiUrl;
        this.issuerWatch = issuerWatch;
    }

    /** Starts a node; on any failure everything opened so far is closed again. */
    public static CertdeskServer start(ServerConfig config) throws IOException {
        long t0 = System.nanoTime();
        SecureRandom random = new SecureRandom();
        createPrivateDirectory(config.dataDir());
        // a new embedded database has no platform CA: its key pairs (RSA-3072 ones are most of a first start) are made
        // while the database and its schema are
        Optional<PlatformCaService.KeysAhead> caKeysAhead = config.embedded()
                        && !Files.exists(config.dataDir().resolve(Database.EMBEDDED_NAME + ".mv.db"))
                ? Optional.of(PlatformCaService.KeysAhead.start(config.caKeyType(), random, config.signatureProvider()))
                : Optional.empty();
        MasterKey master = masterKey(config, random);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // bound first (every certificate issued names its port), on its own thread while the database opens
        CompletableFuture<PkiListener> pkiListenerAhead = config.httpPort().isPresent()
                ? CompletableFuture.supplyAsync(
                        () -> PkiListener.start(
                                config.bindHost(), config.httpPort().getAsInt(), config.clock(), registry),
                        io.certdesk.server.Background.ownThread("certdesk-pki-listener-start"))
                : CompletableFuture.completedFuture(null);
        Database database;
        try {
            database = Database.open(config.jdbcUrl(), config.dbUser(), config.dbPassword());
        } catch (RuntimeException e) {
            pkiListenerAhead.thenAccept(listener -> {
                if (listener != null) {
                    listener.close();
                }
            });
            throw e;
        }
        long t1 = System.nanoTime();
        PkiListener pkiListener = null;
        RevocationPublisher publisher = null;
        IssuerRevocationWatch issuerWatch = null;
        RenewalSweep renewalSweep = null;
        io.certdesk.server.requests.RequestExpiry requestExpiry = null;
        io.certdesk.server.acme.AcmeService acme = null;
        WebhookDelivery webhookDelivery = null;
        ExpiryNotices expiryNotices = null;
        try {
            try {
                pkiListener = pkiListenerAhead.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof IllegalStateException cannot) {
                    throw new StartupException("Cannot serve /pki/ over plain HTTP (--http-port "
                            + config.httpPort().getAsInt() + "): " + cannot.getMessage());
                }
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            Optional<String> pkiUrl = config.pkiUrl().isPresent() || pkiListener == null
                    ? config.pkiUrl()
                    : Optional.of("http://" + config.hostname() + ":" + pkiListener.port());
            Optional<PkiLocations> locations = pkiUrl.map(PkiLocations::new);
            requireMasterKeyMatches(database, master);
            AuditLog audit = new AuditLog(database, new AuditStore(), config.clock());
            KeyVault vault = new KeyVault(new KeySealer(master, random), new SealedKeyStore(), config.clock());
            // imports, chains and CRLs check ECDSA signatures on BoringSSL where it loads (a sixth of Bouncy Castle's
            // cost)
            config.signatureProvider().ifPresent(Signatures::verifyEcdsaWith);
            PlatformCaService platformCa = new PlatformCaService(
                    database,
                    new PlatformCaStore(),
                    vault,
                    audit,
                    new CertificateIssuer(config.clock(), random, locations, config.signatureProvider()),
                    config.clock(),
                    random,
                    config.caKeyType(),
                    config.serverKeyType());
            platformCa.loadOrCreate(caKeysAhead);
            Files.writeString(
                    config.dataDir().resolve(CA_FILE),
                    PemCodec.writeCertificatePem(platformCa.root()),
                    StandardCharsets.US_ASCII);
            IssuedChain serverChain = platformCa.serverChain(config.hostname());
            publisher = platformCa.startPublishing(config.crlValidity(), config.signatureProvider());
            if (pkiListener != null) {
                pkiListener.publish(publisher);
            }
            long t2 = System.nanoTime();

            AccountStore accountStore = new AccountStore();
            Access access = new Access(database, accountStore);
            UserService users = new UserService(
                    database,
                    new UserStore(),
                    new PasswordHasher(random),
                    new FailureThrottle(
                            new io.certdesk.server.access.AttemptWindow(
                                    database,
                                    io.certdesk.server.access.AttemptScope.SIGN_IN,
                                    config.clock(),
                                    Duration.ofMinutes(15)),
                            5,
                            50),
                    access,
                    audit,
                    config.clock(),
                    random);
            Optional<String> generated = users.bootstrapAdmin(config.adminPassword());
            TrustedCaStore trustedCaStore = new TrustedCaStore();
            ChainStore chainStore = new ChainStore();
            PkiSettingsStore settingsStore = new PkiSettingsStore();
            TrustedCaService trustedCas = new TrustedCaService(database, trustedCaStore, access, audit, config.clock());
            TrustSettingsStore trustSettingsStore = new TrustSettingsStore();
            TrustSettingsService trustSettings = new TrustSettingsService(database, trustSettingsStore, access, audit);
            ConnectionCheckService checks = new ConnectionCheckService(
                    database,
                    trustedCaStore,
                    trustSettingsStore,
                    trustedCas,
                    access,
                    audit,
                    config.clock(),
                    config.outbound());
            TlsEngine engine;
            try {
                engine = TlsEngine.choose(config.tlsEngine());
            } catch (IllegalStateException e) {
                throw new StartupException("Cannot start the TLS edge: " + e.getMessage());
            }
            TlsChains tlsChains = new TlsChains(
                    database,
                    accountStore,
                    chainStore,
                    settingsStore,
                    vault,
                    config.clock(),
                    serverChain,
                    config.defaultSni(),
                    engine,
                    staples(publisher));
            WebhookStore webhookStore = new WebhookStore();
            List<X509Certificate> platformAnchors = new java.util.ArrayList<>(PublicRoots.certificates());
            platformAnchors.add(platformCa.root());
            webhookDelivery = new WebhookDelivery(
                    database,
                    webhookStore,
                    vault,
                    accountStore,
                    trustedCaStore,
                    trustSettingsStore,
                    platformAnchors,
                    new WebhookPoster(config.outbound(), WebhookDelivery.TIMEOUT, config.clock()),
                    config.clock());
            Outbox outbox = new Outbox(webhookStore, config.clock(), webhookDelivery::wake);
            io.certdesk.server.ca.IssuedCertificateStore issuedStore =
                    new io.certdesk.server.ca.IssuedCertificateStore();
            io.certdesk.server.chains.RevocationService revocations = new io.certdesk.server.chains.RevocationService(
                    database,
                    chainStore,
                    settingsStore,
                    issuedStore,
                    access,
                    audit,
                    config.clock(),
                    tlsChains,
                    publisher::revocationCommitted,
                    outbox);
            ChainService chains = new ChainService(
                    database,
                    chainStore,
                    trustedCaStore,
                    settingsStore,
                    vault,
                    platformCa,
                    access,
                    audit,
                    config.clock(),
                    tlsChains,
                    issuedStore,
                    revocations,
                    outbox);
            io.certdesk.server.requests.ChainRequestService chainRequests =
                    new io.certdesk.server.requests.ChainRequestService(
                            database, chains, vault, access, audit, config.clock(), random, config.signatureProvider());
            ChainRenewalService renewals = new ChainRenewalService(
                    database,
                    chains,
                    chainStore,
                    settingsStore,
                    accountStore,
                    access,
                    platformCa,
                    revocations,
                    audit,
                    config.clock(),
                    tlsChains,
                    outbox);
            LifecycleSettingsService lifecycleSettings =
                    new LifecycleSettingsService(database, access, audit, config.clock());
            PkiSettingsService pkiSettings = new PkiSettingsService(
                    database, settingsStore, chainStore, access, audit, config.clock(), tlsChains, outbox);
            AccountService accounts = new AccountService(
                    database,
                    accountStore,
                    access,
                    audit,
                    config.clock(),
                    chains::createDefaultSigningChain,
                    tlsChains);
            ApiClientService apiClients =
                    new ApiClientService(database, new ApiClientStore(), access, audit, config.clock(), random);
            // The public URL names the bound port, known once the listener has started.
            AtomicReference<String> publicUrl = new AtomicReference<>();
            TokenService tokens = new TokenService(
                    database,
                    accountStore,
                    settingsStore,
                    chainStore,
                    vault,
                    apiClients,
                    config.clock(),
                    publicUrl::get,
                    new FailureThrottle(
                            new io.certdesk.server.access.AttemptWindow(
                                    database,
                                    io.certdesk.server.access.AttemptScope.CLIENT_AUTH,
                                    config.clock(),
                                    Duration.ofMinutes(15)),
                            5,
                            50),
                    config.signatureProvider());
            long t3 = System.nanoTime();

            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            JvmGcMetrics gc = new JvmGcMetrics();
            gc.bindTo(registry);

            // Several nodes on one PostgreSQL database: each hears the others' changes before it loads, so none is
            // missed.
            TlsChangeListener tlsListener = database.kind() == DatabaseKind.POSTGRESQL
                    ? new TlsChangeListener(database, tlsChains).start()
                    : null;
            tlsChains.loadAll();
            issuerWatch = new IssuerRevocationWatch(
                            tlsChains,
                            new IssuerOcsp(config.outbound(), Duration.ofSeconds(5)),
                            database,
                            audit,
                            config.clock(),
                            config.issuerOcspRefresh())
                    .start();
            acme = new io.certdesk.server.acme.AcmeService(
                            database,
                            accountStore,
                            vault,
                            platformCa,
                            issuedStore,
                            revocations,
                            new io.certdesk.server.outbound.AcmeChallenges(
                                    config.outbound(),
                                    Duration.ofSeconds(10),
                                    config.acmeChallengePorts().http(),
                                    config.acmeChallengePorts().tls()),
                            audit,
                            config.clock(),
                            random,
                            config.signatureProvider())
                    .start();
            io.certdesk.server.scep.ScepStore scepStore = new io.certdesk.server.scep.ScepStore();
            if (pkiListener != null) {
                pkiListener.publishScep(new io.certdesk.server.scep.ScepService(
                        database,
                        scepStore,
                        new io.certdesk.server.scep.RegistrationAuthority(
                                database, scepStore, vault, platformCa, issuedStore, config.clock(), random),
                        platformCa,
                        issuedStore,
                        accountStore,
                        audit,
                        config.clock(),
                        random,
                        config.signatureProvider(),
                        registry));
            }
            long t35 = System.nanoTime();
            ApiServer api = new ApiServer(
                            new ApiServer.Services(
                                    database::ping,
                                    accounts,
                                    users,
                                    platformCa,
                                    trustedCas,
                                    trustSettings,
                                    chains,
                                    chainRequests,
                                    new io.certdesk.server.requests.DeviceSigningService(
                                            database,
                                            platformCa,
                                            issuedStore,
                                            access,
                                            audit,
                                            config.clock(),
                                            config.signatureProvider()),
                                    revocations,
                                    renewals,
                                    lifecycleSettings,
                                    new ExpiryService(database, access, platformCa, config.clock()),
                                    new WebhookService(
                                            database,
                                            webhookStore,
                                            outbox,
                                            vault,
                                            access,
                                            audit,
                                            config.clock(),
                                            random),
                                    pkiSettings,
                                    apiClients,
                                    tokens,
                                    tlsChains,
                                    new IppPrinter(config.clock()),
                                    checks,
                                    acme,
                                    new io.certdesk.server.acme.AcmeAdminService(
                                            database, vault, access, audit, config.clock(), random),
                                    new io.certdesk.server.scep.ScepAdminService(
                                            database,
                                            scepStore,
                                            platformCa,
                                            issuedStore,
                                            access,
                                            audit,
                                            config.clock(),
                                            random,
                                            config.signatureProvider(),
                                            pkiUrl),
                                    new io.certdesk.server.scep.EstService(
                                            database,
                                            scepStore,
                                            platformCa,
                                            issuedStore,
                                            accountStore,
                                            audit,
                                            config.clock(),
                                            config.signatureProvider()),
                                    new io.certdesk.server.backup.Backups(database, audit, config.clock()),
                                    registry),
                            new ApiServer.Listeners(
                                    ServerTls.contextFactory(tlsChains.sslContext(random)),
                                    config.bindHost(),
                                    config.httpsPort(),
                                    config.ippsPort(),
                                    config.maxConnectionsPerClient(),
                                    config.metricsToken(),
                                    config.estPort(),
                                    config.estPort().isPresent()
                                            ? Optional.of(
                                                    ServerTls.clientCertificateContextFactory(tlsChains.sslContext(
                                                            random,
                                                            new io.certdesk.server.tls.PlatformIssuedClients(
                                                                    platformCa::caCertificates, config.clock()))))
                                            : Optional.empty()))
                    .start();
            tlsChains.openKeysInBackground(); // the listeners serve meanwhile; a handshake opens its own key first
            renewalSweep = new RenewalSweep(renewals).start();
            requestExpiry = new io.certdesk.server.requests.RequestExpiry(chainRequests).start();
            webhookDelivery.start();
            bindWebhookMetrics(registry, webhookDelivery, config.clock());
            expiryNotices = new ExpiryNotices(database, platformCa, outbox, config.clock()).start();
            bindExpiryMetrics(registry, expiryNotices, platformCa);
            bindRenewalMetrics(registry, renewals);
            publicUrl.set(config.publicUrl().orElse("https://" + config.hostname() + ":" + api.port()));
            long t4 = System.nanoTime();
            log.info("TLS edge on {}", engine);
            log.info(
                    "Start-up: database {} ms, platform CA {} ms, services {} ms, TLS chains {} ms, HTTPS {} ms",
                    (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000,
                    (t3 - t2) / 1_000_000,
                    (t35 - t3) / 1_000_000,
                    (t4 - t35) / 1_000_000);
            return new CertdeskServer(
                    config,
                    database,
                    platformCa,
                    api,
                    generated,
                    gc,
                    tlsListener,
                    publisher,
                    pkiListener,
                    pkiUrl,
                    issuerWatch,
                    renewalSweep,
                    requestExpiry,
                    acme,
                    webhookDelivery,
                    expiryNotices);
        } catch (RuntimeException | IOException e) {
            if (renewalSweep != null) {
                renewalSweep.close();
            }
            if (requestExpiry != null) {
                requestExpiry.close();
            }
            if (acme != null) {
                acme.close();
            }
            if (webhookDelivery != null) {
                webhookDelivery.close();
            }
            if (expiryNotices != null) {
                expiryNotices.close();
            }
            if (issuerWatch != null) {
                issuerWatch.close();
            }
            if (publisher != null) {
                publisher.close();
            }
            if (pkiListener != null) {
                pkiListener.close();
            }
            database.close();
            throw e;
        }
    }

    /** One outcome of a counter that counts by outcome (a tag), read from the object that counts. */
    private static <T> void outcomeCounter(
            PrometheusMeterRegistry registry,
            String name,
            String outcome,
            String description,
            T counting,
            java.util.function.ToDoubleFunction<T> count) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, counting, count)
                .tag("outcome", outcome)
                .description(description)
                .register(registry);
    }

    private static void bindRenewalMetrics(PrometheusMeterRegistry registry, ChainRenewalService renewals) {
        outcomeCounter(
                registry,
                "certdesk.renewals",
                "renewed",
                "Automatic renewals of generated chains by this node",
                renewals,
                ChainRenewalService::renewedCount);
        outcomeCounter(
                registry,
                "certdesk.renewals",
                "failed",
                "Automatic renewals of generated chains by this node",
                renewals,
                ChainRenewalService::failedCount);
    }

    private static void bindExpiryMetrics(
            PrometheusMeterRegistry registry, ExpiryNotices notices, PlatformCaService platformCa) {
        for (ExpiringItem.Kind kind : ExpiringItem.Kind.values()) {
            for (int days : ExpiryNotices.COUNTED_DAYS) {
                io.micrometer.core.instrument.Gauge.builder(
                                "certdesk.certificates.expiring",
                                notices,
                                n -> n.counts()
                                        .within()
                                        .getOrDefault(days, java.util.Map.of())
                                        .getOrDefault(kind, 0L))
                        .tag("kind", kind.name())
                        .tag("within_days", Integer.toString(days))
                        .description("Certificates in force that end within the days (ended ones included), by kind")
                        .register(registry);
            }
            io.micrometer.core.instrument.Gauge.builder(
                            "certdesk.certificates.soonest.end",
                            notices,
                            n -> Optional.ofNullable(n.counts().soonest().get(kind))
                                    .map(at -> (double) at.getEpochSecond())
                                    .orElse(Double.NaN))
                    .tag("kind", kind.name())
                    .baseUnit("seconds")
                    .description("The soonest end (Unix time) among the certificates in force of the kind")
                    .register(registry);
        }
        for (X509Certificate ca : platformCa.caCertificates()) {
            io.micrometer.core.instrument.Gauge.builder(
                            "certdesk.platform.ca.end",
                            ca,
                            c -> c.getNotAfter().toInstant().getEpochSecond())
                    .tag("subject", ca.getSubjectX500Principal().getName())
                    .baseUnit("seconds")
                    .description("When the platform CA's root and issuing CAs end (Unix time)")
                    .register(registry);
        }
    }

    private static void bindWebhookMetrics(
            PrometheusMeterRegistry registry, WebhookDelivery delivery, java.time.Clock clock) {
        io.micrometer.core.instrument.Gauge.builder(
                        "certdesk.webhook.pending", delivery, d -> d.backlog().pending())
                .description("Webhook deliveries not yet done (waiting or being retried)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(
                        "certdesk.webhook.oldest.undelivered.age",
                        delivery,
                        d -> d.backlog()
                                .oldest()
                                .map(at -> (double)
                                        Duration.between(at, clock.instant()).toSeconds())
                                .orElse(0.0))
                .baseUnit("seconds")
                .description("Age of the oldest event with a delivery not yet done (0: none)")
                .register(registry);
        outcomeCounter(
                registry,
                "certdesk.webhook.deliveries",
                "delivered",
                "Webhook delivery attempts by this node, by outcome",
                delivery,
                WebhookDelivery::deliveredCount);
        outcomeCounter(
                registry,
                "certdesk.webhook.deliveries",
                "failed",
                "Webhook delivery attempts by this node, by outcome",
                delivery,
                WebhookDelivery::failedAttemptCount);
        outcomeCounter(
                registry,
                "certdesk.webhook.deliveries",
                "given_up",
                "Webhook delivery attempts by this node, by outcome",
                delivery,
                WebhookDelivery::givenUpCount);
    }

    /** The edge staples the local responder's pre-signed answers for what the platform CA issued. */
    private static OcspStaples staples(RevocationPublisher publisher) {
        return new OcspStaples() {
            @Override
            public Optional<CertificateID> idOf(X509Certificate leaf, X509Certificate issuer) {
                return publisher.idOf(leaf, issuer);
            }

            @Override
            public Optional<byte[]> goodResponse(CertificateID id) {
                return publisher.goodResponse(id);
            }
        };
    }

    private static MasterKey masterKey(ServerConfig config, SecureRandom random) throws IOException {
        if (config.masterKey().isPresent()) {
            return config.masterKey().get();
        }
        if (!config.embedded()) {
            throw new StartupException("On PostgreSQL every node must use the same master key: set " + MasterKeys.ENV
                    + " (base64 of 32 random bytes) or pass --master-key-file.");
        }
        return MasterKeys.readOrCreate(config.dataDir().resolve(MasterKeys.FILE_NAME), random);
    }

    private static void requireMasterKeyMatches(Database database, MasterKey master) {
        List<String> inUse = database.read(h -> new SealedKeyStore().masterKeyIds(h));
        if (!inUse.isEmpty() && !inUse.contains(master.id())) {
            throw new StartupException("The master key given (id " + master.id()
                    + ") is not the one this database's keys are sealed with (id " + String.join(", ", inUse)
                    + "). Start with the right key, or run 'certdesk rekey' with the old one.");
        }
    }

    static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(
                    dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    public int httpsPort() {
        return api.port();
    }

    public String baseUrl() {
        return "https://" + config.hostname() + ":" + httpsPort();
    }

    public Optional<String> generatedAdminPassword() {
        return generatedAdminPassword;
    }

    public String platformCaSha256() {
        return CertificateCodec.sha256Hex(platformCa.root());
    }

    public List<Route> routes() {
        return api.routes();
    }

    public Database database() {
        return database;
    }

    /** Where certificates issued by this node say relying parties find CRLs and OCSP, when anywhere. */
    public Optional<String> pkiUrl() {
        return pkiUrl;
    }

    /** The plain-HTTP port of the publications (/pki/), when it is on. */
    public OptionalInt httpPort() {
        return pkiListener == null ? OptionalInt.empty() : OptionalInt.of(pkiListener.port());
    }

    /** The IPPS listener's port, when it is on. */
    public OptionalInt estPort() {
        return api.estPort();
    }

    public OptionalInt ippsPort() {
        return api.ippsPort();
    }

    public PlatformCaService platformCa() {
        return platformCa;
    }

    /** Stops accepting, lets running requests finish (up to 10 s), then closes the database. */
    @Override
    public void close() {
        try {
            renewalSweep.close();
            requestExpiry.close();
            acme.close();
            expiryNotices.close();
            webhookDelivery.close();
            api.stop();
        } finally {
            if (tlsListener != null) {
                tlsListener.close();
            }
            issuerWatch.close();
            platformCa.stopMaintenance();
            publisher.close();
            if (pkiListener != null) {
                pkiListener.close();
            }
            gcMetrics.close();
            database.close();
            log.info("Certdesk stopped");
        }
    }

    /** A start-up failure with a message meant for the operator, printed without a stack trace. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message) {
            super(message);
        }
    }
}
