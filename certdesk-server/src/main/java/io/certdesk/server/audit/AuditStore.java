package io.certdesk.server.audit;

import io.certdesk.server.store.Database;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for the append-only audit log. */
public final class AuditStore {
    public void append(Handle h, AuditEntry entry) {
        h.createUpdate("INSERT INTO audit_log (occurred_at, actor, account_id, action, detail, request_id) "
                        + "VALUES (:at, :actor, :account, :action, :detail, :rid)")
                .bind("at", Database.utc(entry.occurredAt()))
                .bind("actor", entry.actor())
                .bind("account", entry.accountId().orElse(null))
                .bind("action", entry.action().name())
                .bind("detail", entry.detail())
                .bind("rid", entry.requestId().orElse(null))
                .execute();
    }

    /** Newest first, at most {@code limit} entries older than {@code beforeId} (exclusive; 0 for the newest). */
    public List<AuditEntry> ofAccount(Handle h, String accountId, long beforeId, int limit) {
        return h.createQuery("SELECT id, occurred_at, actor, account_id, action, detail, request_id FROM audit_log "
                        + "WHERE account_id = :a AND (:before = 0 OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("a", accountId)
                .bind("before", beforeId)
                .bind("limit", limit)
                .map((rs, ctx) -> new AuditEntry(
                        rs.getLong("id"),
                        rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                        rs.getString("actor"),
                        Optional.ofNullable(rs.getString("account_id")),
                        AuditAction.valueOf(rs.getString("action")),
                        rs.getString("detail"),
                        Optional.ofNullable(rs.getString("request_id"))))
                .list();
    }
}
