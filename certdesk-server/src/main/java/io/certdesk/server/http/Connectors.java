package io.certdesk.server.http;

import io.certdesk.server.tls.HelloReading;
import io.certdesk.server.tls.TlsChains;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.OptionalInt;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The TLS listeners: the HTTPS port (console and API) and, when on, the IPPS port. Each reads the
 * client hello on its way in, so the chain is chosen by SNI and by what the client can verify.
 */
final class Connectors {
    private final ApiServer.Listeners listeners;
    private final TlsChains chains;
    private ServerConnector https;
    private ServerConnector ipps;
    private ServerConnector est;
    private final java.util.List<ClientConnectionLimit> limits = new java.util.concurrent.CopyOnWriteArrayList<>();

    Connectors(ApiServer.Listeners listeners, TlsChains chains) {
        this.listeners = listeners;
        this.chains = chains;
    }

    void install(JavalinConfig cfg, HandshakeMetrics handshakes) {
        cfg.jetty.addConnector((server, httpConfig) -> {
            this.https =
                    connector(server, httpConfig, listeners.tls(), listeners.httpsPort(), handshakes.listener("https"));
            return https;
        });
        listeners
                .estPort()
                .ifPresent(port -> cfg.jetty.addConnector((server, httpConfig) -> {
                    this.est = connector(
                            server, httpConfig, listeners.estTls().orElseThrow(), port, handshakes.listener("est"));
                    return est;
                }));
        listeners
                .ippsPort()
                .ifPresent(port -> cfg.jetty.addConnector((server, httpConfig) -> {
                    this.ipps = connector(server, httpConfig, listeners.tls(), port, handshakes.listener("ipps"));
                    return ipps;
                }));
    }

    private ServerConnector connector(
            Server server,
            HttpConfiguration httpConfig,
            org.eclipse.jetty.util.ssl.SslContextFactory.Server tls,
            int port,
            SslHandshakeListener handshakes) {
        HttpConfiguration config = new HttpConfiguration(httpConfig);
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // a body's pace is BodyPace's (with a grace), not Jetty's minimum data rate (none)
        config.setMinRequestDataRate(0);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // the chain is chosen per handshake; a client without SNI still gets an answer
        secure.setStsMaxAge(Duration.ofDays(365).toSeconds());
        config.addCustomizer(secure);
        ServerConnector c = new ServerConnector(
                server, HelloReading.connectionFactory(tls, "http/1.1", chains), new HttpConnectionFactory(config));
        c.setHost(listeners.bindHost());
        c.setPort(port);
        c.setIdleTimeout(Duration.ofSeconds(60).toMillis());
        c.addBean(handshakes);
        ClientConnectionLimit limit = new ClientConnectionLimit(listeners.maxConnectionsPerClient());
        c.addBean(limit);
        limits.add(limit);
        return c;
    }

    /** Connections closed at accept, on all listeners, because their client held too many. */
    long refusedConnections() {
        return limits.stream().mapToLong(ClientConnectionLimit::refused).sum();
    }

    /** Whether the request came in on the IPPS listener. */
    boolean isIpps(Context ctx) {
        return ipps != null && ctx.req().getLocalPort() == ipps.getLocalPort();
    }

    /** Whether the request came in on the EST listener (the one that asks for a client certificate). */
    boolean isEst(Context ctx) {
        return est != null && ctx.req().getLocalPort() == est.getLocalPort();
    }

    OptionalInt estPort() {
        return est == null ? OptionalInt.empty() : OptionalInt.of(est.getLocalPort());
    }

    int httpsPort() {
        return https.getLocalPort();
    }

    OptionalInt ippsPort() {
        return ipps == null ? OptionalInt.empty() : OptionalInt.of(ipps.getLocalPort());
    }
}
