package io.certdesk.server.trust;

import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;

/** An account's outbound trust settings: how revocation is checked, and whether the JDK's public roots are trusted too. */
public final class TrustSettingsService {
    private final Database database;
    private final TrustSettingsStore store;
    private final Access access;
    private final AuditLog audit;

    public TrustSettingsService(Database database, TrustSettingsStore store, Access access, AuditLog audit) {
        this.database = database;
        this.store = store;
        this.access = access;
        this.audit = audit;
    }

    public TrustSettings settings(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.get(h, account.id()));
    }

    /** Refuses (not found) an account the caller may not see, before its request body is read. */
    public void requireVisible(Principal actor, String accountId) {
        access.visibleAccount(actor, accountId);
    }

    public TrustSettings change(Principal actor, String accountId, TrustSettings settings) {
        Account account = access.visibleAccount(actor, accountId);
        return database.inTransaction(h -> {
            store.set(h, account.id(), settings);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.TRUST_SETTINGS_CHANGED,
                    "revocation " + settings.revocation() + ", public roots "
                            + (settings.includePublicRoots() ? "trusted" : "not trusted"));
            return store.get(h, account.id());
        });
    }
}
