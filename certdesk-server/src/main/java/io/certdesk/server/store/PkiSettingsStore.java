package io.certdesk.server.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jdbi.v3.core.Handle;

/** SQL for an account's PKI settings: its signing chain and its TLS bindings. */
public final class PkiSettingsStore {
    public Optional<String> signingChain(Handle h, String accountId) {
        return h.createQuery("SELECT signing_chain_id FROM pki_settings WHERE account_id = :a").bind("a", accountId)
                .map((rs, ctx) -> Optional.ofNullable(rs.getString(1))).findOne().flatMap(o -> o);
    }

    public void setSigningChain(Handle h, String accountId, Optional<String> chainId, Instant at) {
        h.createUpdate("DELETE FROM pki_settings WHERE account_id = :a").bind("a", accountId).execute();
        h.createUpdate("INSERT INTO pki_settings (account_id, signing_chain_id, updated_at) VALUES (:a, :c, :at)")
                .bind("a", accountId).bind("c", chainId.orElse(null)).bind("at", Database.utc(at)).execute();
    }

    /** Domain → chain id, sorted by domain. */
    public Map<String, String> bindings(Handle h, String accountId) {
        Map<String, String> out = new TreeMap<>();
        h.createQuery("SELECT domain, chain_id FROM tls_bindings WHERE account_id = :a").bind("a", accountId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    public void replaceBindings(Handle h, String accountId, Map<String, String> bindings) {
        h.createUpdate("DELETE FROM tls_bindings WHERE account_id = :a").bind("a", accountId).execute();
        if (bindings.isEmpty()) {
            return;
        }
        var batch = h.prepareBatch("INSERT INTO tls_bindings (domain, account_id, chain_id) VALUES (:d, :a, :c)");
        bindings.forEach((domain, chain) -> batch.bind("d", domain).bind("a", accountId).bind("c", chain).add());
        batch.execute();
    }

    /**
     * Whether the settings use the chain: to sign tokens, to serve a domain, or as a passive key
     * that tokens signed before {@code now} may still need.
     */
    public boolean uses(Handle h, String chainId, Instant now) {
        return h.createQuery("SELECT (SELECT COUNT(*) FROM pki_settings WHERE signing_chain_id = :c) "
                        + "+ (SELECT COUNT(*) FROM tls_bindings WHERE chain_id = :c) "
                        + "+ (SELECT COUNT(*) FROM passive_signing_keys WHERE chain_id = :c AND passive_until > :now)")
                .bind("c", chainId).bind("now", Database.utc(now)).mapTo(Integer.class).one() > 0;
    }

    /** Keeps a replaced signing chain published until {@code until}; a chain signing again is not passive. */
    public void retireSigningChain(Handle h, String accountId, String chainId, Instant until) {
        h.createUpdate("DELETE FROM passive_signing_keys WHERE account_id = :a AND chain_id = :c").bind("a", accountId).bind("c", chainId)
                .execute();
        h.createUpdate("INSERT INTO passive_signing_keys (account_id, chain_id, passive_until) VALUES (:a, :c, :u)")
                .bind("a", accountId).bind("c", chainId).bind("u", Database.utc(until)).execute();
    }

    public void activate(Handle h, String accountId, String chainId) {
        h.createUpdate("DELETE FROM passive_signing_keys WHERE account_id = :a AND chain_id = :c").bind("a", accountId).bind("c", chainId)
                .execute();
    }

    /** The chains still published as passive keys at {@code now}. */
    public java.util.List<String> passiveChains(Handle h, String accountId, Instant now) {
        return h.createQuery("SELECT chain_id FROM passive_signing_keys WHERE account_id = :a AND passive_until > :now ORDER BY passive_until DESC")
                .bind("a", accountId).bind("now", Database.utc(now)).mapTo(String.class).list();
    }
}
