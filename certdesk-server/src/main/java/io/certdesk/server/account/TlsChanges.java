package io.certdesk.server.account;

import org.jdbi.v3.core.Handle;

/**
 * Told, inside the transaction of a change, that what an account serves over TLS may have
 * changed (a chain, a binding, a domain, the account itself). Served by new handshakes once the
 * transaction commits, on this node at once and on the others through the database.
 */
@FunctionalInterface
public interface TlsChanges {
    TlsChanges NONE = (h, accountId) -> {};

    void changed(Handle h, String accountId);
}
