package io.certdesk.bench;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.app.ServerConfig;
import io.certdesk.server.outbound.OutboundGuard;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The node the in-process scale benchmarks measure: on the embedded H2 default or on a fresh
 * embedded PostgreSQL database, with an EC platform CA, the platform admin's password given, the
 * plain-HTTP /pki/ port on a free port and no IPPS listener.
 */
final class ScaleNode {
    private ScaleNode() {}

    interface Run {
        void on(String label, Optional<String> postgresUrl) throws Exception;
    }

    /** Runs {@code run} on {@code database} ("h2" or "postgresql", a database named {@code name}). */
    static void on(String database, String name, Run run) throws Exception {
        if (database.equals("postgresql")) {
            try (var pg = EmbeddedPostgres.builder().start()) {
                try (var c = pg.getPostgresDatabase().getConnection()) {
                    c.createStatement().execute("CREATE DATABASE " + name);
                }
                run.on("PostgreSQL", Optional.of(pg.getJdbcUrl("postgres", name)));
            }
        } else {
            run.on("H2", Optional.empty());
        }
    }

    static ServerConfig config(String name, Optional<String> postgresUrl, String adminPassword, OutboundGuard outbound)
            throws java.io.IOException {
        return config(
                Files.createTempDirectory(name),
                postgresUrl,
                adminPassword,
                MasterKey.generate(new SecureRandom()),
                outbound);
    }

    /** As above, on {@code dataDir} and with {@code master} as the master key. */
    static ServerConfig config(
            java.nio.file.Path dataDir,
            Optional<String> postgresUrl,
            String adminPassword,
            MasterKey master,
            OutboundGuard outbound) {
        return new ServerConfig(
                "127.0.0.1",
                0,
                dataDir,
                postgresUrl,
                postgresUrl.isPresent() ? "postgres" : "certdesk", // the CLI's default user on H2
                "",
                "localhost",
                Optional.of(master),
                Optional.of(adminPassword),
                KeyType.EC_P256,
                KeyType.EC_P256,
                Clock.systemUTC(),
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                outbound,
                OptionalInt.of(0),
                Optional.empty(),
                ServerConfig.DEFAULT_CRL_VALIDITY,
                ServerConfig.DEFAULT_ISSUER_OCSP_REFRESH,
                io.certdesk.server.acme.ChallengePorts.STANDARD,
                ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                Optional.empty(),
                true,
                OptionalInt.empty());
    }
}
