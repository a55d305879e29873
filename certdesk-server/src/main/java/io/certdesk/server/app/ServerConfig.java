package io.certdesk.server.app;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.outbound.OutboundGuard;
import io.certdesk.server.tls.TlsEngine;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Clock;
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
        OutboundGuard outbound) {

    public ServerConfig {
        publicUrl = publicUrl.map(ServerConfig::checkedPublicUrl);
    }

    /** An https URL of scheme, host and optional port only (no path, query or trailing slash). */
    static String checkedPublicUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--public-url is not a URL: " + e.getMessage());
        }
        if (!"https".equals(uri.getScheme())
                || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "--public-url must be https://HOST[:PORT], the address clients use; found '" + url + "'.");
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
        return dbUrl.orElseGet(
                () -> "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("certdesk") + ";DB_CLOSE_ON_EXIT=FALSE");
    }

    @Override
    public String toString() {
        return "ServerConfig[https=" + bindHost + ":" + httpsPort + ", data=" + dataDir + ", db="
                + (embedded() ? "h2" : "external") + ", hostname=" + hostname + "]";
    }
}
