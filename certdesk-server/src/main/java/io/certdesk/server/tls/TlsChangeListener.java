package io.certdesk.server.tls;

import io.certdesk.server.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On PostgreSQL, where several nodes share one database: listens for the changes other nodes
 * commit ({@code NOTIFY certdesk_tls}) and reloads the account each names. After a lost
 * connection it reconnects and reloads everything, since notifications sent meanwhile are lost.
 */
public final class TlsChangeListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsChangeListener.class);
    private static final int POLL_MILLIS = 250;

    private final Database database;
    private final TlsChains chains;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;

    public TlsChangeListener(Database database, TlsChains chains) {
        this.database = database;
        this.chains = chains;
        this.thread = new Thread(this::run, "certdesk-tls-changes");
        this.thread.setDaemon(true);
    }

    /** Starts listening; returns once the first LISTEN is in place (or failed), so no change of the start-up is missed. */
    public TlsChangeListener start() {
        try {
            connection = listen();
        } catch (SQLException e) {
            log.warn("TLS edge: cannot listen for changes yet ({}); retrying", e.getMessage());
        }
        thread.start();
        return this;
    }

    private Connection listen() throws SQLException {
        Connection c = database.dedicatedConnection();
        try (Statement statement = c.createStatement()) {
            statement.execute("LISTEN " + TlsChains.CHANNEL);
        }
        return c;
    }

    private void run() {
        long backoff = 500;
        while (running) {
            try {
                if (connection == null) {
                    connection = listen();
                    chains.loadAll(); // what changed while nobody listened
                    chains.openKeysInBackground();
                    backoff = 500;
                }
                PGNotification[] notifications =
                        connection.unwrap(PGConnection.class).getNotifications(POLL_MILLIS);
                for (PGNotification notification : notifications == null ? new PGNotification[0] : notifications) {
                    String[] parts = notification.getParameter().split(" ", 2);
                    if (parts.length == 2 && !parts[0].equals(chains.node())) {
                        chains.reload(parts[1]);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("TLS edge: listening for changes failed ({}); reconnecting in {} ms", e.getMessage(), backoff);
                closeQuietly();
                sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
    }
}
