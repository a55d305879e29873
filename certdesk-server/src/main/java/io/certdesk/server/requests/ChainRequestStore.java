package io.certdesk.server.requests;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for the requests made here that wait for their certificate. */
final class ChainRequestStore {
    private static final String COLUMNS =
            "id, account_id, key_type, dns_names, csr_der, key_id, created_at, expires_at";

    void insert(Handle h, ChainRequest request) {
        h.createUpdate("INSERT INTO certificate_requests (" + COLUMNS
                        + ") VALUES (:id, :a, :type, :names, :csr, :key, :at, :until)")
                .bind("id", request.id())
                .bind("a", request.accountId())
                .bind("type", request.keyType().name())
                .bind("names", String.join(",", request.dnsNames()))
                .bind("csr", request.csrDer())
                .bind("key", request.keyId())
                .bind("at", Database.utc(request.createdAt()))
                .bind("until", Database.utc(request.expiresAt()))
                .execute();
    }

    /** The account's requests that have not expired at {@code now}, oldest first. */
    List<ChainRequest> pendingOf(Handle h, String accountId, Instant now) {
        return h.createQuery(
                        "SELECT " + COLUMNS + " FROM certificate_requests WHERE account_id = :a AND expires_at > :now"
                                + " ORDER BY created_at, id")
                .bind("a", accountId)
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> row(rs))
                .list();
    }

    int countPending(Handle h, String accountId, Instant now) {
        return h.createQuery("SELECT COUNT(*) FROM certificate_requests WHERE account_id = :a AND expires_at > :now")
                .bind("a", accountId)
                .bind("now", Database.utc(now))
                .mapTo(Integer.class)
                .one();
    }

    /** The request, locked for the change that takes it (its certificate, its deletion); empty once expired. */
    Optional<ChainRequest> lockPending(Handle h, String accountId, String id, Instant now) {
        return h.createQuery("SELECT " + COLUMNS + " FROM certificate_requests WHERE account_id = :a AND id = :id"
                        + " AND expires_at > :now FOR UPDATE")
                .bind("a", accountId)
                .bind("id", id)
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    Optional<ChainRequest> findPending(Handle h, String accountId, String id, Instant now) {
        return h.createQuery("SELECT " + COLUMNS + " FROM certificate_requests WHERE account_id = :a AND id = :id"
                        + " AND expires_at > :now")
                .bind("a", accountId)
                .bind("id", id)
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** Forgets the request; its key goes with it unless {@code keepKey} (a chain now holds it). */
    void delete(Handle h, ChainRequest request, boolean keepKey) {
        h.createUpdate("DELETE FROM certificate_requests WHERE id = :id")
                .bind("id", request.id())
                .execute();
        if (!keepKey) {
            h.createUpdate("DELETE FROM sealed_keys WHERE id = :k")
                    .bind("k", request.keyId())
                    .execute();
        }
    }

    /** Deletes up to {@code limit} requests expired at {@code now}, with their keys; how many. */
    int pruneExpired(Handle h, Instant now, int limit) {
        List<String> keys = h.createQuery(
                        "SELECT key_id FROM certificate_requests WHERE expires_at <= :now ORDER BY expires_at LIMIT :n")
                .bind("now", Database.utc(now))
                .bind("n", limit)
                .mapTo(String.class)
                .list();
        if (keys.isEmpty()) {
            return 0;
        }
        // the request rows go with their keys (ON DELETE CASCADE)
        return h.createUpdate("DELETE FROM sealed_keys WHERE id IN (<keys>)")
                .bindList("keys", keys)
                .execute();
    }

    private static ChainRequest row(ResultSet rs) throws SQLException {
        String names = rs.getString("dns_names");
        return new ChainRequest(
                rs.getString("id"),
                rs.getString("account_id"),
                KeyType.valueOf(rs.getString("key_type")),
                names.isEmpty() ? List.of() : Arrays.asList(names.split(",")),
                rs.getBytes("csr_der"),
                rs.getString("key_id"),
                Database.instant(rs, rs.findColumn("created_at")),
                Database.instant(rs, rs.findColumn("expires_at")));
    }
}
