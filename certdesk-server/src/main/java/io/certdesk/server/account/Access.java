package io.certdesk.server.account;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.access.Role;
import io.certdesk.server.store.Database;
import java.util.Optional;

/**
 * Who may see and change which account. An account the caller may not see answers "not found",
 * never "forbidden", so its existence does not leak; "forbidden" is only for accounts the caller
 * can see but not change in the way asked.
 */
public final class Access {
    private final Database database;
    private final AccountStore accounts;

    public Access(Database database, AccountStore accounts) {
        this.database = database;
        this.accounts = accounts;
    }

    public static boolean canSee(Principal principal, Account account) {
        if (principal.isPlatformAdmin()) {
            return true;
        }
        Optional<String> own = principal.accountId();
        if (principal.role() == Role.API_CLIENT) {
            return own.isPresent() && own.get().equals(account.id()); // never a vendor's customers
        }
        return own.isPresent() && (own.get().equals(account.id()) || own.equals(account.parentId()));
    }

    /** The account, if the caller may see it; otherwise not found. */
    public Account visibleAccount(Principal principal, String accountId) {
        return database.read(h -> accounts.find(h, accountId))
                .filter(a -> canSee(principal, a))
                .orElseThrow(() -> ServiceException.notFound("Account " + abbreviate(accountId)));
    }

    /** Visible, and the caller is above it: the platform admin, or the vendor of a customer. */
    public Account accountAbove(Principal principal, String accountId, String action) {
        Account account = visibleAccount(principal, accountId);
        if (principal.isPlatformAdmin() || principal.accountId().equals(account.parentId())) {
            return account;
        }
        throw new ServiceException(
                ErrorCode.FORBIDDEN,
                "Only "
                        + (account.parentId().isPresent()
                                ? "the platform admin or the account's vendor"
                                : "the platform admin")
                        + " can " + action + ".");
    }

    private static String abbreviate(String id) {
        return id == null ? "" : id.length() > 40 ? id.substring(0, 40) + "..." : id;
    }
}
