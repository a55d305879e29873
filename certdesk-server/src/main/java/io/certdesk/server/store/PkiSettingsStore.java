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

    /** Whether the settings use the chain (to sign tokens or to serve a domain). */
    public boolean uses(Handle h, String chainId) {
        return h.createQuery("SELECT (SELECT COUNT(*) FROM pki_settings WHERE signing_chain_id = :c) "
                + "+ (SELECT COUNT(*) FROM tls_bindings WHERE chain_id = :c)").bind("c", chainId).mapTo(Integer.class).one() > 0;
    }
}
