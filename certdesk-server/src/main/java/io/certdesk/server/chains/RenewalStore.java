package io.certdesk.server.chains;

import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for the renewal of generated chains ({@code chain_renewals}). */
public final class RenewalStore {
    private static final String COLUMNS = "chain_id, renew_at, failures, last_error_code, last_error, last_failed_at, "
            + "renewed_from, renewed_by, renewed_at, retire_at";

    /** A generated chain's row: when it renews next, what failed last, what renewed it. */
    public void schedule(
            Handle h, String chainId, String accountId, Optional<Instant> renewAt, Optional<String> renewedFrom) {
        h.createUpdate(
                        "INSERT INTO chain_renewals (chain_id, account_id, renew_at, renewed_from) VALUES (:c, :a, :at, :from)")
                .bind("c", chainId)
                .bind("a", accountId)
                .bind("at", renewAt.map(Database::utc).orElse(null))
                .bind("from", renewedFrom.orElse(null))
                .execute();
    }

    public Map<String, ChainRenewal> ofAccount(Handle h, String accountId) {
        Map<String, ChainRenewal> out = new HashMap<>();
        h.createQuery("SELECT " + COLUMNS + " FROM chain_renewals WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> row(rs))
                .forEach(r -> out.put(r.chainId(), r));
        return out;
    }

    /**
     * Locks the chain's row for its renewal (with {@code skipLocked}, skipping it when another
     * transaction, another node, holds it); empty when skipped, or when {@code dueBy} is given and it
     * is not due by then.
     */
    public Optional<ChainRenewal> lock(Handle h, String chainId, Optional<Instant> dueBy, boolean skipLocked) {
        return h.createQuery("SELECT " + COLUMNS + " FROM chain_renewals WHERE chain_id = :c"
                        + (dueBy.isPresent() ? " AND renew_at <= :due" : "") + " FOR UPDATE"
                        + (skipLocked ? " SKIP LOCKED" : ""))
                .bind("c", chainId)
                .bind("due", dueBy.map(Database::utc).orElse(null))
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** Chains whose automatic renewal (or retry) is due, soonest first. */
    public List<String> due(Handle h, Instant now, int limit) {
        return h.createQuery(
                        "SELECT chain_id FROM chain_renewals WHERE renew_at BETWEEN :floor AND :now ORDER BY renew_at LIMIT :n")
                .bind("floor", Database.utc(Instant.EPOCH)) // a lower bound: the index range starts past the NULLs
                .bind("now", Database.utc(now))
                .bind("n", limit)
                .mapTo(String.class)
                .list();
    }

    /** Superseded chains due to be revoked as superseded. */
    public List<String> retiring(Handle h, Instant now, int limit) {
        return h.createQuery(
                        "SELECT chain_id FROM chain_renewals WHERE retire_at BETWEEN :floor AND :now ORDER BY retire_at LIMIT :n")
                .bind("floor", Database.utc(Instant.EPOCH))
                .bind("now", Database.utc(now))
                .bind("n", limit)
                .mapTo(String.class)
                .list();
    }

    /** Locks a superseded chain's row for its revocation; empty when another node holds it or has done it. */
    public boolean lockRetiring(Handle h, String chainId, Instant now) {
        return h.createQuery("SELECT chain_id FROM chain_renewals WHERE chain_id = :c AND retire_at <= :now"
                        + " FOR UPDATE SKIP LOCKED")
                .bind("c", chainId)
                .bind("now", Database.utc(now))
                .mapTo(String.class)
                .findOne()
                .isPresent();
    }

    public void superseded(Handle h, String chainId, String byChainId, Instant at, Instant retireAt) {
        h.createUpdate(
                        "UPDATE chain_renewals SET renew_at = NULL, renewed_by = :by, renewed_at = :at, retire_at = :retire "
                                + "WHERE chain_id = :c")
                .bind("c", chainId)
                .bind("by", byChainId)
                .bind("at", Database.utc(at))
                .bind("retire", Database.utc(retireAt))
                .execute();
    }

    public void failed(Handle h, String chainId, String code, String message, Instant at, Instant retryAt) {
        h.createUpdate("UPDATE chain_renewals SET failures = failures + 1, last_error_code = :code, last_error = :msg, "
                        + "last_failed_at = :at, renew_at = :retry WHERE chain_id = :c")
                .bind("c", chainId)
                .bind("code", code)
                .bind("msg", message.length() > 2000 ? message.substring(0, 2000) : message)
                .bind("at", Database.utc(at))
                .bind("retry", Database.utc(retryAt))
                .execute();
    }

    public void postponeRetirement(Handle h, String chainId, Instant until) {
        h.createUpdate("UPDATE chain_renewals SET retire_at = :at WHERE chain_id = :c")
                .bind("c", chainId)
                .bind("at", Database.utc(until))
                .execute();
    }

    /** Neither renewed nor revoked as superseded any more: the chain is revoked (or retired) otherwise. */
    public void ended(Handle h, String chainId) {
        h.createUpdate("UPDATE chain_renewals SET renew_at = NULL, retire_at = NULL WHERE chain_id = :c")
                .bind("c", chainId)
                .execute();
    }

    /**
     * Schedules again, after the account's settings changed, every chain of the account that is
     * waiting for its renewal (not failing, not superseded, not revoked).
     */
    public void reschedule(Handle h, String accountId, LifecycleSettings settings) {
        var update = h.prepareBatch("UPDATE chain_renewals SET renew_at = :at WHERE chain_id = :c");
        int[] n = {0};
        h.createQuery(
                        "SELECT r.chain_id, p.not_before, p.not_after FROM chain_renewals r JOIN private_chains p ON p.id = r.chain_id"
                                + " WHERE r.account_id = :a AND r.failures = 0 AND r.renewed_at IS NULL AND NOT EXISTS"
                                + " (SELECT 1 FROM issued_certificates i WHERE i.chain_id = r.chain_id AND i.revoked_at IS NOT NULL)")
                .bind("a", accountId)
                .map((rs, ctx) ->
                        Map.entry(rs.getString(1), settings.renewAt(Database.instant(rs, 2), Database.instant(rs, 3))))
                .forEach(e -> {
                    update.bind("c", e.getKey())
                            .bind("at", e.getValue().map(Database::utc).orElse(null))
                            .add();
                    n[0]++;
                });
        if (n[0] > 0) {
            update.execute();
        }
    }

    private static ChainRenewal row(ResultSet rs) throws SQLException {
        return new ChainRenewal(
                rs.getString("chain_id"),
                Optional.ofNullable(Database.instant(rs, 2)),
                rs.getInt("failures"),
                Optional.ofNullable(rs.getString("last_error_code")),
                Optional.ofNullable(rs.getString("last_error")),
                Optional.ofNullable(Database.instant(rs, 6)),
                Optional.ofNullable(rs.getString("renewed_from")),
                Optional.ofNullable(rs.getString("renewed_by")),
                Optional.ofNullable(Database.instant(rs, 9)),
                Optional.ofNullable(Database.instant(rs, 10)));
    }
}
