package io.certdesk.server.trust;

import org.jdbi.v3.core.Handle;

/** Each account's outbound trust settings (columns of its row). */
public final class TrustSettingsStore {
    public TrustSettings get(Handle h, String accountId) {
        return h.createQuery("SELECT trust_revocation, trust_public_roots FROM accounts WHERE id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> new TrustSettings(Revocation.valueOf(rs.getString(1)), rs.getBoolean(2)))
                .findOne()
                .orElse(TrustSettings.DEFAULT);
    }

    public void set(Handle h, String accountId, TrustSettings settings) {
        h.createUpdate("UPDATE accounts SET trust_revocation = :r, trust_public_roots = :p WHERE id = :a")
                .bind("r", settings.revocation().name())
                .bind("p", settings.includePublicRoots())
                .bind("a", accountId)
                .execute();
    }
}
