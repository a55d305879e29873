package io.certdesk.server.testing;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.app.CertdeskServer;
import io.certdesk.server.app.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/** A real server on 127.0.0.1 with a free port, a temporary data folder and a database of the given kind. */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "platform-admin-password";

    private final TestDatabase kind;
    private final Path dataDir;
    private final Optional<String> dbUrl;
    private final MasterKey masterKey;
    private final KeyType caKeyType;
    private Clock clock;
    private CertdeskServer server;
    private Api admin;
    private io.certdesk.server.tls.TlsEngine tlsEngine;
    private String publicUrl;
    private io.certdesk.server.outbound.OutboundGuard outbound = io.certdesk.server.outbound.OutboundGuard.defaults();
    private java.time.Duration issuerOcspRefresh = ServerConfig.DEFAULT_ISSUER_OCSP_REFRESH;
    private io.certdesk.server.acme.ChallengePorts acmePorts = io.certdesk.server.acme.ChallengePorts.STANDARD;
    /**
     * The tests' helpers make an HTTP client per call, each keeping its connection open, all from
     * 127.0.0.1: a test server takes as many as the limit allows, but for the tests of the limit.
     */
    private int maxConnectionsPerClient = 100_000;

    private Optional<String> metricsToken = Optional.empty();
    private boolean nativeSignatures = true;

    private TestServer(
            TestDatabase kind,
            Path dataDir,
            Optional<String> dbUrl,
            MasterKey masterKey,
            KeyType caKeyType,
            Clock clock) {
        this.caKeyType = caKeyType;
        this.clock = clock;
        this.kind = kind;
        this.dataDir = dataDir;
        this.dbUrl = dbUrl;
        this.masterKey = masterKey;
    }

    public static TestServer start(TestDatabase kind) {
        return start(kind, KeyType.EC_P256);
    }

    /** A server whose new platform CA has keys of {@code caKeyType} (EC by default in tests: fast). */
    public static TestServer start(TestDatabase kind, KeyType caKeyType) {
        return start(kind, caKeyType, Clock.systemUTC());
    }

    /** A server that reads the time from {@code clock} (a {@link MutableClock} lets a test move it). */
    public static TestServer start(TestDatabase kind, KeyType caKeyType, Clock clock) {
        try {
            TestServer t = new TestServer(
                    kind,
                    Files.createTempDirectory("certdesk-test"),
                    kind.newDatabaseUrl(),
                    MasterKey.generate(new SecureRandom()),
                    caKeyType,
                    clock);
            t.restart(t.masterKey);
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server that tells clients it is at {@code publicUrl} (as behind a load balancer). */
    public static TestServer startWithPublicUrl(TestDatabase kind, String publicUrl) {
        return startWith(kind, t -> t.publicUrl = publicUrl);
    }

    /** A server whose connection checks may reach {@code allow} (address blocks) on {@code ports} besides the defaults. */
    public static TestServer startWithOutbound(
            TestDatabase kind, java.util.List<String> allow, java.util.List<Integer> ports) {
        return startWith(
                kind,
                t -> t.outbound = io.certdesk.server.outbound.OutboundGuard.of(allow, java.util.List.of(), ports));
    }

    /** A server whose ACME validation may reach {@code allow} and connects to these ports for http-01 and tls-alpn-01. */
    public static TestServer startForAcme(
            TestDatabase kind, java.util.List<String> allow, io.certdesk.server.acme.ChallengePorts ports) {
        return startWith(kind, t -> {
            t.outbound = io.certdesk.server.outbound.OutboundGuard.of(allow, java.util.List.of(), java.util.List.of());
            t.acmePorts = ports;
        });
    }

    /** A server that reads the time from {@code clock} and may reach {@code allow} (webhooks to a local receiver). */
    public static TestServer startWithOutbound(TestDatabase kind, java.util.List<String> allow, Clock clock) {
        return startWith(kind, t -> {
            t.outbound = io.certdesk.server.outbound.OutboundGuard.of(allow, java.util.List.of(), java.util.List.of());
            t.clock = clock;
        });
    }

    /**
     * A server that may reach {@code allow} on {@code ports} and asks imported chains' CAs (OCSP)
     * every {@code issuerOcspRefresh}.
     */
    public static TestServer startWithIssuerOcsp(
            TestDatabase kind,
            java.util.List<String> allow,
            java.util.List<Integer> ports,
            java.time.Duration refresh) {
        return startWith(kind, t -> {
            t.outbound = io.certdesk.server.outbound.OutboundGuard.of(allow, java.util.List.of(), ports);
            t.issuerOcspRefresh = refresh;
        });
    }

    /** A server whose TLS listeners take at most {@code max} open connections from one client address. */
    public static TestServer startWithConnectionLimit(TestDatabase kind, int max) {
        return startWith(kind, t -> t.maxConnectionsPerClient = max);
    }

    /** A server on the embedded database already in {@code dataDir} (a restored backup), telling clients it is at {@code publicUrl}. */
    public static TestServer startOnData(Path dataDir, MasterKey key, String publicUrl) {
        TestServer t =
                new TestServer(TestDatabase.H2, dataDir, Optional.empty(), key, KeyType.EC_P256, Clock.systemUTC());
        t.publicUrl = publicUrl;
        try {
            t.restart(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** A server on the PostgreSQL database at {@code jdbcUrl} (a test's own PostgreSQL, which it may stop). */
    public static TestServer startOnPostgresql(String jdbcUrl) {
        return startOnPostgresql(jdbcUrl, MasterKey.generate(new SecureRandom()));
    }

    /** A server on the PostgreSQL database at {@code jdbcUrl}, whose keys are sealed under {@code key}. */
    public static TestServer startOnPostgresql(String jdbcUrl, MasterKey key) {
        try {
            TestServer t = new TestServer(
                    TestDatabase.POSTGRESQL,
                    Files.createTempDirectory("certdesk-test"),
                    Optional.of(jdbcUrl),
                    key,
                    KeyType.EC_P256,
                    Clock.systemUTC());
            t.restart(t.masterKey);
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server whose /metrics answers only a request bearing {@code token}. */
    public static TestServer startWithMetricsToken(TestDatabase kind, String token) {
        return startWith(kind, t -> t.metricsToken = Optional.of(token));
    }

    /** A server that signs with the JDK's and Bouncy Castle's providers only, as where BoringSSL does not load. */
    public static TestServer startWithoutNativeSignatures(TestDatabase kind) {
        return startWith(kind, t -> t.nativeSignatures = false);
    }

    /** A server whose TLS listeners run on {@code engine}. */
    public static TestServer start(TestDatabase kind, io.certdesk.server.tls.TlsEngine engine) {
        return startWith(kind, t -> t.tlsEngine = engine);
    }

    /** A server with an EC platform CA on a fresh database, configured by {@code options} before it starts. */
    private static TestServer startWith(TestDatabase kind, java.util.function.Consumer<TestServer> options) {
        try {
            TestServer t = new TestServer(
                    kind,
                    Files.createTempDirectory("certdesk-test"),
                    kind.newDatabaseUrl(),
                    MasterKey.generate(new SecureRandom()),
                    KeyType.EC_P256,
                    Clock.systemUTC());
            options.accept(t);
            t.restart(t.masterKey);
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another node on the same PostgreSQL database and master key (several nodes behave as one). */
    public TestServer secondNode() {
        if (dbUrl.isEmpty()) {
            throw new IllegalStateException("several nodes share a PostgreSQL database; H2 is one node's");
        }
        try {
            TestServer node = new TestServer(
                    kind, Files.createTempDirectory("certdesk-node"), dbUrl, masterKey, caKeyType, clock);
            node.outbound = outbound; // configured as this node is
            node.publicUrl = publicUrl;
            node.tlsEngine = tlsEngine;
            node.issuerOcspRefresh = issuerOcspRefresh;
            node.acmePorts = acmePorts;
            node.maxConnectionsPerClient = maxConnectionsPerClient;
            node.metricsToken = metricsToken;
            node.nativeSignatures = nativeSignatures;
            node.restart(masterKey);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The platform CA root as a PEM file in {@code dir}, fetched as a client would (for -CAfile, --cacert, NODE_EXTRA_CA_CERTS). */
    public Path platformCaFile(Path dir) {
        try {
            Path file = dir.resolve("platform-ca-" + kind + "-" + server.httpsPort() + ".pem");
            Files.write(
                    file,
                    anonymous()
                            .get("/api/v1/platform/ca.pem")
                            .assertStatus(200)
                            .raw()
                            .body());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The IPPS listener's port. */
    public int ippsPort() {
        return server.ippsPort().orElseThrow();
    }

    /** Starts (again) on the same data with the given master key. */
    public void restart(MasterKey key) throws IOException {
        if (server != null) {
            server.close();
        }
        server = CertdeskServer.start(config(key));
        admin = null;
    }

    public ServerConfig config(MasterKey key) {
        return new ServerConfig(
                "127.0.0.1",
                0,
                dataDir,
                dbUrl,
                TestDatabase.user(dbUrl),
                TestDatabase.password(dbUrl),
                "localhost",
                Optional.of(key),
                Optional.of(ADMIN_PASSWORD),
                caKeyType,
                KeyType.EC_P256,
                clock,
                java.util.OptionalInt.of(0),
                Optional.empty(),
                Optional.ofNullable(tlsEngine),
                Optional.ofNullable(publicUrl),
                outbound,
                java.util.OptionalInt.of(0),
                Optional.empty(),
                ServerConfig.DEFAULT_CRL_VALIDITY,
                issuerOcspRefresh,
                acmePorts,
                maxConnectionsPerClient,
                metricsToken,
                nativeSignatures,
                java.util.OptionalInt.of(0));
    }

    public CertdeskServer server() {
        return server;
    }

    public TestDatabase kind() {
        return kind;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Optional<String> dbUrl() {
        return dbUrl;
    }

    public MasterKey masterKey() {
        return masterKey;
    }

    /** An anonymous client that trusts only the platform CA. */
    public Api anonymous() {
        return new Api(server.httpsPort(), server.platformCa().root(), null);
    }

    /** A client that sends {@code Authorization: Bearer <accessToken>}, as an external API client does. */
    public Api bearer(String accessToken) {
        return new Api(server.httpsPort(), server.platformCa().root(), accessToken);
    }

    /** A client signed in as the platform admin. */
    public Api admin() {
        if (admin == null) {
            admin = anonymous().login("admin", ADMIN_PASSWORD);
        }
        return admin;
    }

    /** The platform admin signed in anew: after a test moved the clock past the session's 12 hours. */
    public Api adminSignedInAgain() {
        admin = null;
        return admin();
    }

    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
