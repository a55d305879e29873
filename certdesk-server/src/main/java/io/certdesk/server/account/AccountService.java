package io.certdesk.server.account;

import io.certdesk.pki.PkiException;
import io.certdesk.pki.names.DomainNames;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditEntry;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.jdbi.v3.core.Handle;

/** Accounts and their domains, with the rules of who may do what. */
public final class AccountService {
    public static final int MAX_NAME = 200;
    public static final int MAX_DOMAINS = 500;

    private final Database database;
    private final AccountStore store;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final TlsChanges tls;
    private final BiConsumer<Handle, Account> onCreate;

    /**
     * @param onCreate runs in the creating transaction of every new account (it gets its
     *                 token-signing chain there)
     */
    public AccountService(
            Database database,
            AccountStore store,
            Access access,
            AuditLog audit,
            Clock clock,
            BiConsumer<Handle, Account> onCreate,
            TlsChanges tls) {
        this.database = database;
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.onCreate = onCreate;
        this.tls = tls;
    }

    /**
     * Creates a vendor (platform admin only) or a customer of a vendor (the platform admin, or
     * that vendor's admin; a vendor admin's customers default to its own account as parent).
     */
    public Account create(Principal actor, String name, AccountType type, Optional<String> parentId) {
        String cleanName = requireName(name);
        if (type == null) {
            throw ServiceException.invalid("type", "An account type is required: VENDOR or CUSTOMER.");
        }
        Optional<String> parent = parentId.filter(p -> !p.isBlank());
        if (type == AccountType.VENDOR) {
            if (!actor.isPlatformAdmin()) {
                throw new ServiceException(ErrorCode.FORBIDDEN, "Only the platform admin can create vendor accounts.");
            }
            if (parent.isPresent()) {
                throw ServiceException.invalid("parentId", "A vendor account has no parent; leave parentId out.");
            }
        } else {
            if (parent.isEmpty() && !actor.isPlatformAdmin()) {
                parent = actor.accountId();
            }
            if (parent.isEmpty()) {
                throw ServiceException.invalid("parentId", "A customer account needs parentId: the id of its vendor.");
            }
            Account vendor = access.visibleAccount(actor, parent.get());
            boolean vendorAdmin =
                    vendor.type() == AccountType.VENDOR && actor.accountId().equals(Optional.of(vendor.id()));
            if (!actor.isPlatformAdmin() && !vendorAdmin) {
                throw new ServiceException(
                        ErrorCode.FORBIDDEN,
                        "Only the platform admin or a vendor's admin can create customer accounts.");
            }
            if (vendor.type() != AccountType.VENDOR) {
                throw ServiceException.invalid(
                        "parentId",
                        "The parent of a customer must be a vendor account; " + vendor.id() + " is a customer.");
            }
        }
        Account account =
                new Account(UUID.randomUUID().toString(), cleanName, type, parent, List.of(), clock.instant());
        return database.inTransaction(h -> {
            store.insert(h, account);
            onCreate.accept(h, account);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.ACCOUNT_CREATED,
                    type + " '" + cleanName + "'"
                            + account.parentId().map(p -> " under " + p).orElse(""));
            return account;
        });
    }

    /** The most accounts one page of {@link #list} holds. */
    public static final int MAX_PAGE = 500;

    /** One page of accounts and the cursor of the next, when there are more. */
    public record Page(List<Account> accounts, Optional<String> next) {}

    /** The longest text {@link #list} searches names for. */
    public static final int MAX_SEARCH = 100;

    /**
     * The accounts the caller may see, oldest first, a page of at most {@code limit} (1 to {@link
     * #MAX_PAGE}) after the account {@code after}: every account for the platform admin, else the
     * caller's own and its customers; with {@code nameHolds} (not blank), only those whose name holds
     * it, in any case.
     */
    public Page list(Principal actor, Optional<String> nameHolds, Optional<String> after, int limit) {
        Optional<String> search = nameHolds.map(String::strip).filter(q -> !q.isEmpty());
        if (search.isPresent() && search.get().length() > MAX_SEARCH) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "Search for at most " + MAX_SEARCH + " characters of an account's name.",
                    Map.of("field", "q"));
        }
        int size = Math.max(1, Math.min(MAX_PAGE, limit));
        Optional<String> scope = actor.isPlatformAdmin()
                ? Optional.empty()
                : Optional.of(actor.accountId().orElseThrow());
        return database.read(h -> {
            Optional<Account> cursor = Optional.empty();
            if (after.isPresent()) {
                cursor = Optional.of(store.find(h, after.get())
                        .filter(a -> scope.isEmpty()
                                || a.id().equals(scope.get())
                                || a.parentId().equals(scope))
                        .orElseThrow(() -> new ServiceException(
                                ErrorCode.VALIDATION_FAILED,
                                "The cursor 'after' names no account of this list; start again without it.",
                                Map.of("field", "after"))));
            }
            List<Account> rows = store.page(h, scope, search, cursor, size + 1);
            Optional<String> next =
                    rows.size() > size ? Optional.of(rows.get(size - 1).id()) : Optional.empty();
            return new Page(rows.subList(0, Math.min(size, rows.size())), next);
        });
    }

    public Account get(Principal actor, String id) {
        return access.visibleAccount(actor, id);
    }

    /** Deletes an account with its domains and users. A vendor that still has customers is kept. */
    public void delete(Principal actor, String id) {
        Account account = access.accountAbove(actor, id, "delete this account");
        database.inTransaction(h -> {
            int children = store.countChildren(h, account.id());
            if (children > 0) {
                throw new ServiceException(
                        ErrorCode.ACCOUNT_HAS_CUSTOMERS,
                        "The vendor '" + account.name() + "' still has " + children
                                + " customer account(s); delete them first.",
                        Map.of("customers", children));
            }
            store.delete(h, account.id());
            tls.changed(h, account.id());
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.ACCOUNT_DELETED,
                    account.type() + " '" + account.name() + "'");
            return null;
        });
    }

    /**
     * Replaces the account's domains. Every name is normalized; invalid names are all reported
     * together, as are names another account owns. Nothing is stored unless all are accepted.
     */
    public Account setDomains(Principal actor, String id, List<String> rawNames) {
        Account account = access.accountAbove(actor, id, "change this account's domains");
        if (rawNames == null) {
            throw ServiceException.invalid("domains", "domains is required: a list of host names (it may be empty).");
        }
        if (rawNames.size() > MAX_DOMAINS) {
            throw ServiceException.invalid(
                    "domains",
                    "An account has at most " + MAX_DOMAINS + " domains; " + rawNames.size() + " were given.");
        }
        TreeSet<String> names = new TreeSet<>();
        Map<String, String> invalid = new LinkedHashMap<>();
        for (String raw : rawNames) {
            try {
                names.add(DomainNames.normalize(raw));
            } catch (PkiException e) {
                invalid.put(String.valueOf(raw), e.getMessage());
            }
        }
        if (!invalid.isEmpty()) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    invalid.size() == 1
                            ? invalid.values().iterator().next()
                            : invalid.size() + " domain names are not valid: " + String.join(" ", invalid.values()),
                    Map.of("field", "domains", "invalid", new ArrayList<>(invalid.keySet())));
        }
        List<String> sorted = List.copyOf(names);
        try {
            return database.inTransaction(h -> {
                List<String> taken = store.owners(h, sorted).entrySet().stream()
                        .filter(e -> !e.getValue().equals(account.id()))
                        .map(Map.Entry::getKey)
                        .toList();
                if (!taken.isEmpty()) {
                    throw domainTaken(taken);
                }
                String family = account.parentId().orElse(account.id());
                List<AccountStore.NestedClaim> foreign = store.nestedClaims(h, sorted).stream()
                        .filter(c -> !c.ownerFamily().equals(family))
                        .toList();
                if (!foreign.isEmpty()) {
                    AccountStore.NestedClaim first = foreign.get(0);
                    throw new ServiceException(
                            ErrorCode.DOMAIN_TAKEN,
                            "The domain " + first.requested()
                                    + (first.stored().endsWith("." + first.requested()) ? " is above " : " is under ")
                                    + first.stored()
                                    + ", which belongs to another vendor's accounts; names under a domain belong"
                                    + " to the accounts of its owner's vendor.",
                            Map.of(
                                    "domains",
                                    foreign.stream()
                                            .map(AccountStore.NestedClaim::requested)
                                            .distinct()
                                            .toList()));
                }
                store.replaceDomains(h, account.id(), sorted, clock.instant());
                tls.changed(h, account.id());
                audit.record(
                        h, actor.username(), account.id(), AuditAction.DOMAINS_REPLACED, String.join(", ", sorted));
                return account.withDomains(sorted);
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                // Another request claimed one of the names between our check and our insert.
                List<String> taken = database.read(h -> store.owners(h, sorted)).entrySet().stream()
                        .filter(o -> !o.getValue().equals(account.id()))
                        .map(Map.Entry::getKey)
                        .toList();
                throw domainTaken(taken.isEmpty() ? sorted : taken);
            }
            throw e;
        }
    }

    public List<AuditEntry> audit(Principal actor, String id, long beforeId, int limit) {
        Account account = access.visibleAccount(actor, id);
        return audit.ofAccount(account.id(), beforeId, limit);
    }

    private static ServiceException domainTaken(List<String> names) {
        return new ServiceException(
                ErrorCode.DOMAIN_TAKEN,
                (names.size() == 1
                                ? "The domain " + names.get(0) + " belongs"
                                : "The domains " + String.join(", ", names) + " belong")
                        + " to another account; a name can belong to one account only.",
                Map.of("domains", names));
    }

    private static String requireName(String name) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty() || clean.length() > MAX_NAME || clean.chars().anyMatch(Character::isISOControl)) {
            throw ServiceException.invalid("name", "An account name is 1 to " + MAX_NAME + " printable characters.");
        }
        return clean;
    }
}
