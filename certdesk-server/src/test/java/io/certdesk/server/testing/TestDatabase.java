package io.certdesk.server.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The two databases every storage test runs on. PostgreSQL is one embedded server per JVM, a fresh database per use. */
public enum TestDatabase {
    H2,
    POSTGRESQL;

    private static final AtomicInteger NEXT = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    /** The --db-url for a new, empty database (empty for H2: the server's embedded default under its data folder). */
    public Optional<String> newDatabaseUrl() {
        if (this == H2) {
            return Optional.empty();
        }
        String name = "certdesk_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
        EmbeddedPostgres pg = postgres();
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return Optional.of(pg.getJdbcUrl("postgres", name));
    }

    public static String user(Optional<String> url) {
        return url.isPresent() ? "postgres" : "certdesk";
    }

    public static String password(Optional<String> url) {
        return "";
    }

    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres =
                        EmbeddedPostgres.builder().setCleanDataDirectory(true).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return postgres;
    }
}
