package io.certdesk.server.app;

import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.keys.MasterKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where the data lives: options shared by {@code serve} and {@code rekey}. */
public final class DatabaseOptions {
    @Option(
            names = "--data",
            defaultValue = "./data",
            paramLabel = "DIR",
            description = "Data folder: the H2 database, master.key and platform-ca.pem (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--db-url",
            paramLabel = "JDBC_URL",
            description = "Use this database instead of the embedded H2 one, e.g. jdbc:postgresql://db:5432/certdesk.")
    String dbUrl;

    @Option(
            names = "--db-user",
            paramLabel = "USER",
            defaultValue = "${env:CERTDESK_DB_USER:-certdesk}",
            description = "Database user (default: $CERTDESK_DB_USER or certdesk).")
    String dbUser;

    @Option(
            names = "--db-password",
            paramLabel = "PASSWORD",
            defaultValue = "${env:CERTDESK_DB_PASSWORD:-}",
            description = "Database password (default: $CERTDESK_DB_PASSWORD).")
    String dbPassword;

    @Option(
            names = "--master-key-file",
            paramLabel = "FILE",
            description =
                    "The master key file (32 bytes, or their base64). Default: $CERTDESK_MASTER_KEY, else DIR/master.key (H2 only).")
    Path masterKeyFile;

    Optional<String> dbUrl() {
        return Optional.ofNullable(dbUrl).filter(s -> !s.isBlank());
    }

    /** The master key given by environment or option; empty means the data folder's key file. */
    Optional<MasterKey> masterKey() throws IOException {
        Optional<MasterKey> env = MasterKeys.fromEnvironment(System.getenv());
        if (env.isPresent()) {
            return env;
        }
        return masterKeyFile == null ? Optional.empty() : Optional.of(MasterKeys.readFile(masterKeyFile));
    }
}
