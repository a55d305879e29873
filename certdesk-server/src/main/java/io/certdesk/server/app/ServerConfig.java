package io.certdesk.server.app;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.outbound.OutboundGuard;
import io.certdesk.server.tls.TlsEngine;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything a server needs to start.
 *
 * @param dbUrl         empty for the embedded H2 database under {@code dataDir}
 * @param masterKey     empty to read or create {@code dataDir/master.key} (H2 only)
 * @param adminPassword empty to generate one for a new platform admin and print it once
 * @param ippsPort      the IPPS listener's port (0: any free one); empty: no IPPS listener
 * @param defaultSni    the domain whose chain a client without SNI is shown; empty: the platform's
 * @param tlsEngine     the TLS engine of the listeners; empty: Conscrypt where it loads, else JSSE
 * @param outbound      where connection checks may connect
 * @param publicUrl     the address clients use (https://host[:port]), the base of token issuer URLs; empty: https://hostname:port
 * @param httpPort      the plain-HTTP port that serves only /pki/ (CA certificates, CRLs, OCSP; 0: any free one); empty: none
 * @param pkiUrl        where relying parties reach /pki/ (http://host[:port]), named in every certificate issued;
 *                      empty: http://hostname:httpPort, or nothing named when there is no plain-HTTP port
 * @param crlValidity   how long each CRL is valid (its nextUpdate); it is reissued at half of it, and at once after a revocation
 * @param issuerOcspRefresh how often, at most, the edge asks an imported chain's own CA (OCSP) whether it is revoked
 * @param acmeChallengePorts where ACME validation connects (80 and 443 but in a lab)
 * @param maxConnectionsPerClient open connections one client address may hold on each TLS listener
 * @param metricsToken  when present, {@code /metrics} answers only a request bearing it; empty: anyone who reaches the port
 * @param nativeSignatures sign (tokens, certificates, CRLs, OCSP answers) with BoringSSL through Conscrypt where it
 *                      loads; false: with the JDK's and Bouncy Castle's providers only. The signatures verify alike.
 */
public record ServerConfig(
        String bindHost,
        int httpsPort,
        Path dataDir,
        Optional<String> dbUrl,
        String dbUser,
        String dbPassword,
        String hostname,
        Optional<MasterKey> masterKey,
        Optional<String> adminPassword,
        KeyType caKeyType,
        KeyType serverKeyType,
        Clock clock,
        OptionalInt ippsPort,
        Optional<String> defaultSni,
        Optional<TlsEngine> tlsEngine,
        Optional<String> publicUrl,
        OutboundGuard outbound,
        OptionalInt httpPort,
        Optional<String> pkiUrl,
        Duration crlValidity,
        Duration issuerOcspRefresh,
        io.certdesk.server.acme.ChallengePorts acmeChallengePorts,
        int maxConnectionsPerClient,
        Optional<String> metricsToken,
        boolean nativeSignatures,
        OptionalInt estPort) {

    public static final Duration DEFAULT_CRL_VALIDITY = Duration.ofDays(7);
    public static final Duration DEFAULT_ISSUER_OCSP_REFRESH = Duration.ofHours(1);
    /**
     * A quarter of the API's workers: a client that opens connections and trickles its requests
     * cannot hold the others' share. Raise it behind a proxy that hides clients' addresses.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;

    /** BoringSSL's JCA provider when {@link #nativeSignatures} and its native library loads, else empty. */
    public Optional<java.security.Provider> signatureProvider() {
        return nativeSignatures ? TlsEngine.nativeProvider() : Optional.empty();
    }

    public ServerConfig {
        publicUrl = publicUrl.map(ServerConfig::checkedPublicUrl);
        pkiUrl = pkiUrl.map(ServerConfig::checkedPkiUrl);
        if (crlValidity.compareTo(Duration.ofHours(1)) < 0 || crlValidity.compareTo(Duration.ofDays(90)) > 0) {
            throw new IllegalArgumentException("--crl-validity is 1 hour to 90 days; found " + crlValidity + ".");
        }
        if (issuerOcspRefresh.isNegative() || issuerOcspRefresh.isZero()) {
            throw new IllegalArgumentException("--issuer-ocsp-refresh must be positive.");
        }
        if (metricsToken.isPresent() && metricsToken.get().strip().length() < 16) {
            throw new IllegalArgumentException("--metrics-token must be at least 16 characters.");
        }
        metricsToken = metricsToken.map(String::strip);
        if (maxConnectionsPerClient < 1 || maxConnectionsPerClient > 100_000) {
            throw new IllegalArgumentException(
                    "--max-connections-per-client is 1 to 100000; found " + maxConnectionsPerClient + ".");
        }
    }

    /** An http URL of scheme, host and optional port only: where relying parties fetch CRLs and ask OCSP. */
    static String checkedPkiUrl(String url) {
        return origin(
                url,
                "http",
                "--pki-url",
                "--pki-url must be http://HOST[:PORT] (CRLs and OCSP are fetched over plain HTTP, RFC 5280"
                        + " §4.2.2.1); found '" + url + "'.");
    }

    /** An https URL of scheme, host and optional port only (no path, query or trailing slash). */
    static String checkedPublicUrl(String url) {
        return origin(
                url,
                "https",
                "--public-url",
                "--public-url must be https://HOST[:PORT], the address clients use; found '" + url + "'.");
    }

    private static String origin(String url, String scheme, String option, String refusal) {
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " is not a URL: " + e.getMessage());
        }
        if (!scheme.equals(uri.getScheme())
                || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(refusal);
        }
        return uri.toString();
    }

    public static final KeyType DEFAULT_CA_KEY = KeyType.RSA_3072;
    public static final KeyType DEFAULT_SERVER_KEY = KeyType.RSA_2048;

    public boolean embedded() {
        return dbUrl.isEmpty();
    }

    public String jdbcUrl() {
        return jdbcUrl(dbUrl, dataDir);
    }

    /** The given URL, or the embedded H2 database's in the data folder. */
    public static String jdbcUrl(Optional<String> dbUrl, Path dataDir) {
        return dbUrl.orElseGet(() -> io.certdesk.server.store.Database.embeddedUrl(dataDir));
    }

    @Override
    public String toString() {
        return "ServerConfig[https=" + bindHost + ":" + httpsPort + ", data=" + dataDir + ", db="
                + (embedded() ? "h2" : "external") + ", hostname=" + hostname + "]";
    }
}
