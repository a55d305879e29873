package io.certdesk.server.app;

import io.certdesk.pki.PkiException;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.names.DomainNames;
import io.certdesk.server.cli.CliFailure;
import io.certdesk.server.outbound.OutboundGuard;
import io.certdesk.server.tls.TlsEngine;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code certdesk serve}: runs a node until SIGTERM or Ctrl-C, then stops gracefully. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Start the Certdesk server (HTTPS API and console). Stops gracefully on SIGTERM.")
public final class ServeCommand implements Callable<Integer> {
    private static volatile boolean serving;

    @Option(
            names = "--https-port",
            defaultValue = "8443",
            paramLabel = "PORT",
            description = "HTTPS port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int httpsPort;

    @Option(
            names = "--ipps-port",
            defaultValue = "8631",
            paramLabel = "PORT",
            description =
                    "IPPS port: IPP printing over TLS at /ipp/print, with each domain's chain (default: ${DEFAULT-VALUE}; 0 turns it off).")
    int ippsPort;

    @Option(
            names = "--est-port",
            defaultValue = "8444",
            paramLabel = "PORT",
            description = {
                "EST port (RFC 7030): device enrollment over TLS at /.well-known/est/, asking clients for a certificate",
                "the platform issued (simplereenroll) (default: ${DEFAULT-VALUE}; 0 turns it off)."
            })
    int estPort;

    @Option(
            names = "--http-port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = {
                "Plain-HTTP port that serves only /pki/: the CA certificates, CRLs and the OCSP responder, fetched over",
                "HTTP by design (default: ${DEFAULT-VALUE}; 0 turns it off). Everything else there is a 404."
            })
    int httpPort;

    @Option(
            names = "--pki-url",
            paramLabel = "URL",
            description = {
                "Where relying parties reach /pki/, http://HOST[:PORT], named in every certificate issued from now on",
                "(OCSP and caIssuers, CRL distribution point); default: http://HOSTNAME:HTTP_PORT."
            })
    String pkiUrl;

    @Option(
            names = "--crl-validity",
            defaultValue = "7",
            paramLabel = "DAYS",
            description =
                    "Days each CRL is valid (nextUpdate); it is reissued at half of that, and within seconds of a revocation (default: ${DEFAULT-VALUE}).")
    int crlValidityDays;

    @Option(
            names = "--issuer-ocsp-refresh",
            defaultValue = "60",
            paramLabel = "MINUTES",
            description = {
                "How often, at most, the edge asks an imported chain's own CA (the OCSP responder its leaf names)",
                "whether it is revoked; sooner when the answer ends sooner (default: ${DEFAULT-VALUE})."
            })
    int issuerOcspRefreshMinutes;

    @Option(
            names = "--default-sni",
            paramLabel = "DOMAIN",
            description =
                    "Serve this domain's chain to clients that send no server name (SNI); default: the platform's certificate.")
    String defaultSni;

    @Option(
            names = "--tls-engine",
            paramLabel = "ENGINE",
            description = {
                "TLS engine of the listeners: CONSCRYPT (BoringSSL; the default where its native library loads)",
                "or JSSE (the JDK's: the default elsewhere, a third of the handshake rate). Both choose chains alike."
            })
    TlsEngine tlsEngine;

    @Option(
            names = "--native-signatures",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = {
                "Sign tokens, certificates, CRLs and OCSP answers with BoringSSL where its native library loads (the",
                "default; RSA several times the JDK's speed). --no-native-signatures: the JDK's and Bouncy Castle's only."
            })
    boolean nativeSignatures;

    @Option(
            names = "--public-url",
            paramLabel = "URL",
            description = {
                "The address clients use, https://HOST[:PORT], when it is not https://HOSTNAME:PORT (behind a load balancer):",
                "the base of every account's token issuer, token endpoint and JWKS URL."
            })
    String publicUrl;

    @Option(
            names = "--outbound-allow",
            paramLabel = "CIDRS",
            defaultValue = "${env:CERTDESK_OUTBOUND_ALLOW}",
            description = {
                "Address blocks connection checks may reach although denied by default or by --outbound-deny,",
                "comma-separated (e.g. 10.0.0.0/8,127.0.0.0/8); also CERTDESK_OUTBOUND_ALLOW. The most specific block decides."
            })
    String outboundAllow;

    @Option(
            names = "--acme-http-port",
            defaultValue = "80",
            paramLabel = "PORT",
            description =
                    "Where ACME http-01 validation connects on the name validated (default 80; another in a lab).")
    int acmeHttpPort;

    @Option(
            names = "--acme-tls-port",
            defaultValue = "443",
            paramLabel = "PORT",
            description = "Where ACME tls-alpn-01 validation connects (default 443; another in a lab).")
    int acmeTlsPort;

    @Option(
            names = "--max-connections-per-client",
            defaultValue = "" + ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
            paramLabel = "N",
            description = {
                "Open connections one client address may hold on the HTTPS and IPPS ports (default 64); more are closed",
                "as they arrive. Raise it behind a proxy that does not pass clients' addresses."
            })
    int maxConnectionsPerClient;

    @Option(
            names = "--metrics-token",
            paramLabel = "TOKEN",
            defaultValue = "${env:CERTDESK_METRICS_TOKEN}",
            description = {
                "A secret of 16 characters or more: /metrics then answers only 'Authorization: Bearer TOKEN' (Prometheus'",
                "authorization.credentials_file); also CERTDESK_METRICS_TOKEN. Without it /metrics is open to whoever reaches the port."
            })
    String metricsToken;

    @Option(
            names = "--outbound-deny",
            paramLabel = "CIDRS",
            defaultValue = "${env:CERTDESK_OUTBOUND_DENY}",
            description = {
                "Address blocks connection checks may not reach, besides the defaults (loopback, link-local with the",
                "cloud metadata address 169.254.169.254, multicast); comma-separated; also CERTDESK_OUTBOUND_DENY."
            })
    String outboundDeny;

    @Option(
            names = "--outbound-ports",
            paramLabel = "PORTS",
            split = ",",
            description =
                    "Ports connection checks may connect to besides 25, 389, 443, 465, 587, 636, 3268 and 3269 (comma-separated).")
    List<Integer> outboundPorts;

    private static List<String> list(String commaSeparated) {
        return commaSeparated == null || commaSeparated.isBlank() ? List.of() : List.of(commaSeparated.split(","));
    }

    @Option(
            names = "--bind",
            defaultValue = "0.0.0.0",
            paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--hostname",
            defaultValue = "localhost",
            paramLabel = "NAME",
            description =
                    "The host name clients use for this server; its certificate is issued for it (default: ${DEFAULT-VALUE}).")
    String hostname;

    @Option(
            names = "--ca-key-type",
            defaultValue = "RSA_3072",
            paramLabel = "TYPE",
            description = "Key type of a new platform CA: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    KeyType caKeyType;

    @Option(
            names = "--check",
            description = {
                "Start, fetch /readyz over HTTPS as a terminal would (platform CA, --hostname),",
                "print the result and stop. Exit 0 when ready. Checks a configuration without serving."
            })
    boolean check;

    @Mixin
    DatabaseOptions db;

    static boolean isServing() {
        return serving;
    }

    @Override
    public Integer call() throws Exception {
        ServerConfig config;
        try {
            config = new ServerConfig(
                    bind,
                    httpsPort,
                    db.data,
                    db.dbUrl(),
                    db.dbUser,
                    db.dbPassword,
                    DomainNames.normalizeHost(hostname),
                    db.masterKey(),
                    Optional.ofNullable(System.getenv("CERTDESK_ADMIN_PASSWORD"))
                            .filter(s -> !s.isEmpty()),
                    caKeyType,
                    ServerConfig.DEFAULT_SERVER_KEY,
                    Clock.systemUTC(),
                    ippsPort == 0 ? OptionalInt.empty() : OptionalInt.of(ippsPort),
                    Optional.ofNullable(defaultSni).map(DomainNames::normalize),
                    Optional.ofNullable(tlsEngine),
                    Optional.ofNullable(publicUrl),
                    OutboundGuard.of(
                            list(outboundAllow), list(outboundDeny), outboundPorts == null ? List.of() : outboundPorts),
                    httpPort == 0 ? OptionalInt.empty() : OptionalInt.of(httpPort),
                    Optional.ofNullable(pkiUrl),
                    java.time.Duration.ofDays(crlValidityDays),
                    java.time.Duration.ofMinutes(issuerOcspRefreshMinutes),
                    new io.certdesk.server.acme.ChallengePorts(acmeHttpPort, acmeTlsPort),
                    maxConnectionsPerClient,
                    Optional.ofNullable(metricsToken).filter(t -> !t.isBlank()),
                    nativeSignatures,
                    estPort == 0 ? OptionalInt.empty() : OptionalInt.of(estPort));
        } catch (IllegalArgumentException | PkiException e) {
            throw CliFailure.usage(e.getMessage());
        }
        CertdeskServer server;
        try {
            server = CertdeskServer.start(config);
        } catch (CertdeskServer.StartupException e) {
            throw CliFailure.refused(e.getMessage());
        }
        long startedMs = System.currentTimeMillis()
                - ManagementFactory.getRuntimeMXBean().getStartTime();
        if (check) {
            try (server) {
                String status = SelfCheck.readiness(
                        server.platformCa().root(),
                        config.hostname(),
                        "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind,
                        server.httpsPort());
                System.out.println("Checked " + server.baseUrl() + "/readyz after " + startedMs + " ms: " + status);
                return status.startsWith("HTTP/1.1 200") ? 0 : 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "certdesk-shutdown"));
        serving = true;
        System.out.println("Certdesk is serving " + server.baseUrl() + "/ (started in " + startedMs + " ms, "
                + (config.embedded()
                        ? "H2 database in " + config.dataDir().toAbsolutePath().normalize()
                        : "external database")
                + ")");
        System.out.println("Platform CA (provision terminals and browsers with it): " + server.baseUrl()
                + "/api/v1/platform/ca.pem" + "  sha256 " + server.platformCaSha256());
        System.out.println("                                   also in "
                + config.dataDir()
                        .resolve(CertdeskServer.CA_FILE)
                        .toAbsolutePath()
                        .normalize());
        server.pkiUrl()
                .ifPresent(url -> System.out.println("Revocation published (CRLs, OCSP) under " + url + "/pki/"
                        + (server.httpPort().isPresent() ? "" : " (served by another listener: no --http-port here)")));
        server.generatedAdminPassword()
                .ifPresent(password -> System.out.println("Created platform admin 'admin' with password: " + password
                        + "   (shown once; set CERTDESK_ADMIN_PASSWORD to choose it)"));
        stopped.await();
        return 0;
    }
}
