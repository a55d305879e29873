package io.certdesk.server.audit;

import io.certdesk.server.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.MDC;

/** Appends audit records inside the transaction of the change they describe. */
public final class AuditLog {
    public static final String REQUEST_ID = "requestId";
    private static final int MAX_DETAIL = 2000;

    private final AuditStore store;
    private final Clock clock;
    private final Database database;

    public AuditLog(Database database, AuditStore store, Clock clock) {
        this.database = database;
        this.store = store;
        this.clock = clock;
    }

    public void record(Handle h, String actor, String accountId, AuditAction action, String detail) {
        String trimmed = detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL);
        store.append(
                h,
                new AuditEntry(
                        0,
                        clock.instant(),
                        actor,
                        Optional.ofNullable(accountId),
                        action,
                        trimmed,
                        Optional.ofNullable(MDC.get(REQUEST_ID))));
    }

    /** Records in a transaction of its own (for events that change nothing else, such as a failed sign-in). */
    public void recordAlone(String actor, String accountId, AuditAction action, String detail) {
        database.inTransaction(h -> {
            record(h, actor, accountId, action, detail);
            return null;
        });
    }

    public List<AuditEntry> ofAccount(String accountId, long beforeId, int limit) {
        return database.read(h -> store.ofAccount(h, accountId, beforeId, limit));
    }
}
