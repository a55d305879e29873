package io.certdesk.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The connection pool, the schema migrations and the JDBI entry point, on H2 or PostgreSQL.
 * Every write goes through {@link #inTransaction}: one change, one transaction.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final DatabaseKind kind;

    private Database(HikariDataSource dataSource, DatabaseKind kind) {
        this.dataSource = dataSource;
        this.kind = kind;
        this.jdbi = Jdbi.create(dataSource);
    }

    /**
     * Opens the pool and brings the schema up to date. An H2 URL is made durable first
     * ({@link #durableUrl}), and the database is asked whether it is before anything is served.
     */
    public static Database open(String url, String user, String password) {
        DatabaseKind kind = DatabaseKind.of(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(durableUrl(url));
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("certdesk");
        config.setMaximumPoolSize(kind == DatabaseKind.H2 ? 8 : 16);
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            if (kind == DatabaseKind.H2) {
                requireCommitsWrittenAtOnce(dataSource);
            }
            migrate(dataSource);
            return new Database(dataSource, kind);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * The URL to open: for H2, with {@code WRITE_DELAY=0}. H2 otherwise writes a committed
     * transaction to its file up to half a second later (its default delay), so a change answered
     * 2xx could vanish when the process is killed. PostgreSQL URLs are returned as given (its
     * commits are durable by default).
     *
     * @throws IllegalArgumentException when an H2 URL asks for a write delay other than 0
     */
    public static String durableUrl(String url) {
        if (DatabaseKind.of(url) != DatabaseKind.H2) {
            return url;
        }
        Matcher delay = H2_WRITE_DELAY.matcher(url);
        if (!delay.find()) {
            return url + ";WRITE_DELAY=0";
        }
        if (!delay.group(1).trim().equals("0")) {
            throw new IllegalArgumentException(
                    "WRITE_DELAY=" + delay.group(1).trim() + " in the H2 URL would answer changes that a crash then"
                            + " loses; remove it (Certdesk writes every commit at once)");
        }
        return url;
    }

    private static final Pattern H2_WRITE_DELAY =
            Pattern.compile(";\\s*WRITE_DELAY\\s*=([^;]*)", Pattern.CASE_INSENSITIVE);

    /** The setting as the open database holds it (it is persistent in H2's file), not only as the URL asked. */
    private static void requireCommitsWrittenAtOnce(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            if (values.isEmpty() || !values.stream().allMatch("0"::equals)) {
                throw new IllegalStateException("the H2 database reports WRITE_DELAY " + values
                        + ", expected 0: acknowledged changes could be lost");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the H2 database's WRITE_DELAY", e);
        }
    }

    private static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }

    /** The embedded H2 database's file in a data folder (its name without H2's {@code .mv.db}). */
    public static final String EMBEDDED_NAME = "certdesk";

    /** The URL of the embedded H2 database in {@code dataDir}. */
    public static String embeddedUrl(java.nio.file.Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(EMBEDDED_NAME) + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    public DatabaseKind kind() {
        return kind;
    }

    public <R> R inTransaction(HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, work);
        } catch (JdbiException e) {
            throw unavailableOr(e);
        }
    }

    public <R> R read(HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (JdbiException e) {
            throw unavailableOr(e);
        }
    }

    /**
     * A failure to reach the database (no connection within the pool's timeout, a connection lost,
     * the server shutting down) as a 503 {@code not_ready} the client may retry; anything else as
     * it is.
     */
    private static RuntimeException unavailableOr(JdbiException e) {
        if (!isUnavailable(e)) {
            return e;
        }
        return new io.certdesk.server.ServiceException(
                io.certdesk.server.ErrorCode.NOT_READY,
                "The database does not answer; try again in a few seconds.",
                java.util.Map.of("retryAfterSeconds", 5));
    }

    /** Whether {@code e} says the database cannot be reached (SQLState class 08, or PostgreSQL shutting down). */
    static boolean isUnavailable(Throwable e) {
        if (e instanceof org.jdbi.v3.core.ConnectionException) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when a trivial query answers within the pool's connection timeout. */
    public boolean ping() {
        try {
            return read(handle ->
                            handle.createQuery("SELECT 1").mapTo(Integer.class).one())
                    == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A connection outside the pool, held for as long as the caller needs (a LISTEN session). */
    public Connection dedicatedConnection() throws SQLException {
        return DriverManager.getConnection(dataSource.getJdbcUrl(), dataSource.getUsername(), dataSource.getPassword());
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Timestamps are stored as {@code TIMESTAMP WITH TIME ZONE} in UTC. */
    public static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** A nullable timestamp column of a result row. */
    public static Instant instant(ResultSet rs, int column) throws SQLException {
        return instant(rs.getObject(column, OffsetDateTime.class));
    }

    /** True when {@code e} (or a cause) is a unique-key violation (SQLState class 23505). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
