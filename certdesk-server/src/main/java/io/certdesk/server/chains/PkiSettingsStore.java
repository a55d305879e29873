package io.certdesk.server.chains;

import io.certdesk.server.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** SQL for an account's PKI settings: its signing chain and its TLS bindings. */
public final class PkiSettingsStore {
    /** The account's signing state as stored (no row yet: no signing chain, default lifetime). */
    public SigningState state(Handle h, String accountId) {
        return h.createQuery(
                        "SELECT signing_chain_id, next_signing_chain_id, next_activate_at, token_lifetime_seconds, "
                                + "previous_token_lifetime_seconds, token_lifetime_changed_at FROM pki_settings WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> new SigningState(
                        Optional.ofNullable(rs.getString(1)),
                        Optional.ofNullable(rs.getString(2)),
                        Optional.ofNullable(Database.instant(rs, 3)),
                        Duration.ofSeconds(rs.getInt(4)),
                        Duration.ofSeconds(rs.getInt(5)),
                        Optional.ofNullable(Database.instant(rs, 6))))
                .findOne()
                .orElse(SigningState.none());
    }

    public void save(Handle h, String accountId, SigningState state, Instant at) {
        int updated = h.createUpdate(
                        "UPDATE pki_settings SET signing_chain_id = :c, next_signing_chain_id = :n, next_activate_at = :na, "
                                + "token_lifetime_seconds = :l, previous_token_lifetime_seconds = :pl, token_lifetime_changed_at = :lc, updated_at = :at "
                                + "WHERE account_id = :a")
                .bindMap(columns(accountId, state, at))
                .execute();
        if (updated == 0) {
            h.createUpdate(
                            "INSERT INTO pki_settings (account_id, signing_chain_id, next_signing_chain_id, next_activate_at, token_lifetime_seconds, "
                                    + "previous_token_lifetime_seconds, token_lifetime_changed_at, updated_at) VALUES (:a, :c, :n, :na, :l, :pl, :lc, :at)")
                    .bindMap(columns(accountId, state, at))
                    .execute();
        }
    }

    private static Map<String, Object> columns(String accountId, SigningState state, Instant at) {
        Map<String, Object> columns = new HashMap<>();
        columns.put("a", accountId);
        columns.put("c", state.current().orElse(null));
        columns.put("n", state.next().orElse(null));
        columns.put("na", state.activateAt().map(Database::utc).orElse(null));
        columns.put("l", (int) state.lifetime().toSeconds());
        columns.put("pl", (int) state.previousLifetime().toSeconds());
        columns.put("lc", state.lifetimeChangedAt().map(Database::utc).orElse(null));
        columns.put("at", Database.utc(at));
        return columns;
    }

    /** Domain → chain id, sorted by domain. */
    public Map<String, String> bindings(Handle h, String accountId) {
        Map<String, String> out = new TreeMap<>();
        h.createQuery("SELECT domain, chain_id FROM tls_bindings WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public void replaceBindings(Handle h, String accountId, Map<String, String> bindings) {
        h.createUpdate("DELETE FROM tls_bindings WHERE account_id = :a")
                .bind("a", accountId)
                .execute();
        if (bindings.isEmpty()) {
            return;
        }
        var batch = h.prepareBatch("INSERT INTO tls_bindings (domain, account_id, chain_id) VALUES (:d, :a, :c)");
        bindings.forEach((domain, chain) ->
                batch.bind("d", domain).bind("a", accountId).bind("c", chain).add());
        batch.execute();
    }

    /** Accounts whose scheduled signing chain has reached its activation time, soonest first. */
    public List<String> activationsDue(Handle h, Instant now, int limit) {
        return h.createQuery("SELECT account_id FROM pki_settings WHERE next_activate_at BETWEEN :floor AND :now"
                        + " ORDER BY next_activate_at LIMIT :n")
                .bind("floor", Database.utc(Instant.EPOCH))
                .bind("now", Database.utc(now))
                .bind("n", limit)
                .mapTo(String.class)
                .list();
    }

    /** Locks the account's settings if its activation is due and no other node holds them. */
    public boolean lockDueActivation(Handle h, String accountId, Instant now) {
        return h.createQuery("SELECT account_id FROM pki_settings WHERE account_id = :a AND next_activate_at <= :now"
                        + " FOR UPDATE SKIP LOCKED")
                .bind("a", accountId)
                .bind("now", Database.utc(now))
                .mapTo(String.class)
                .findOne()
                .isPresent();
    }

    /** Every domain served by {@code fromChainId} is served by {@code toChainId} from now on. */
    public void moveBindings(Handle h, String fromChainId, String toChainId) {
        h.createUpdate("UPDATE tls_bindings SET chain_id = :to WHERE chain_id = :from")
                .bind("from", fromChainId)
                .bind("to", toChainId)
                .execute();
    }

    /**
     * Whether the settings use the chain: to sign tokens (now or from a pending activation), to serve a domain, or as a passive key
     * that tokens signed before {@code now} may still need.
     */
    public boolean uses(Handle h, String chainId, Instant now) {
        return h.createQuery(
                                "SELECT (SELECT COUNT(*) FROM pki_settings WHERE signing_chain_id = :c "
                                        + "AND (next_activate_at IS NULL OR next_activate_at > :now)) "
                                        + "+ (SELECT COUNT(*) FROM pki_settings WHERE next_signing_chain_id = :c) "
                                        + "+ (SELECT COUNT(*) FROM tls_bindings WHERE chain_id = :c) "
                                        + "+ (SELECT COUNT(*) FROM passive_signing_keys WHERE chain_id = :c AND passive_until > :now)")
                        .bind("c", chainId)
                        .bind("now", Database.utc(now))
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    /** Keeps a replaced signing chain published until {@code until}; a chain signing again is not passive. */
    public void retireSigningChain(Handle h, String accountId, String chainId, Instant until) {
        h.createUpdate("DELETE FROM passive_signing_keys WHERE account_id = :a AND chain_id = :c")
                .bind("a", accountId)
                .bind("c", chainId)
                .execute();
        h.createUpdate("INSERT INTO passive_signing_keys (account_id, chain_id, passive_until) VALUES (:a, :c, :u)")
                .bind("a", accountId)
                .bind("c", chainId)
                .bind("u", Database.utc(until))
                .execute();
    }

    public void activate(Handle h, String accountId, String chainId) {
        h.createUpdate("DELETE FROM passive_signing_keys WHERE account_id = :a AND chain_id = :c")
                .bind("a", accountId)
                .bind("c", chainId)
                .execute();
    }

    /** The keys the account publishes at {@code now}: the active one, a next one, then passive ones (latest first). */
    public List<PkiSettings.PublishedKey> publishedKeys(Handle h, String accountId, Instant now) {
        SigningState state = state(h, accountId);
        Map<String, PkiSettings.PublishedKey> keys = new LinkedHashMap<>();
        state.signingAt(now)
                .ifPresent(id ->
                        keys.put(id, new PkiSettings.PublishedKey(id, PkiSettings.KeyState.ACTIVE, Optional.empty())));
        state.pendingAt(now)
                .ifPresent(id -> keys.putIfAbsent(
                        id, new PkiSettings.PublishedKey(id, PkiSettings.KeyState.NEXT, state.activateAt())));
        h.createQuery(
                        "SELECT chain_id, passive_until FROM passive_signing_keys WHERE account_id = :a AND passive_until > :now "
                                + "ORDER BY passive_until DESC, chain_id")
                .bind("a", accountId)
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> new PkiSettings.PublishedKey(
                        rs.getString(1), PkiSettings.KeyState.PASSIVE, Optional.of(Database.instant(rs, 2))))
                .forEach(key -> keys.putIfAbsent(key.chainId(), key));
        return List.copyOf(keys.values());
    }
}
