package io.certdesk.server.account;

import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for accounts and their domains. Every method runs on the caller's handle (and transaction). */
public final class AccountStore {
    private static final String SELECT = "SELECT id, name, type, parent_id, created_at FROM accounts";

    public void insert(Handle h, Account account) {
        h.createUpdate(
                        "INSERT INTO accounts (id, name, type, parent_id, created_at) VALUES (:id, :name, :type, :parent, :at)")
                .bind("id", account.id())
                .bind("name", account.name())
                .bind("type", account.type().name())
                .bind("parent", account.parentId().orElse(null))
                .bind("at", Database.utc(account.createdAt()))
                .execute();
    }

    public Optional<Account> find(Handle h, String id) {
        return withDomains(
                        h,
                        h.createQuery(SELECT + " WHERE id = :id")
                                .bind("id", id)
                                .map((rs, ctx) -> row(rs))
                                .list())
                .stream()
                .findFirst();
    }

    /**
     * A page of accounts, oldest first: after {@code after} (its creation time, then its id), at
     * most {@code limit}; all accounts, or with {@code scope} given that account and its customers;
     * with {@code nameHolds} given, only those whose name holds it (any case).
     */
    public List<Account> page(
            Handle h, Optional<String> scope, Optional<String> nameHolds, Optional<Account> after, int limit) {
        var query = h.createQuery(SELECT + " WHERE 1 = 1"
                        + scope.map(s -> " AND (id = :scope OR parent_id = :scope)")
                                .orElse("")
                        + nameHolds
                                .map(q -> " AND LOWER(name) LIKE :q ESCAPE '!'")
                                .orElse("")
                        + after.map(a -> " AND (created_at > :at OR (created_at = :at AND id > :after))")
                                .orElse("")
                        + " ORDER BY created_at, id LIMIT :n")
                .bind("n", limit);
        scope.ifPresent(s -> query.bind("scope", s));
        nameHolds.ifPresent(q -> query.bind("q", "%" + likeEscaped(q.toLowerCase(Locale.ROOT)) + "%"));
        after.ifPresent(a -> query.bind("at", Database.utc(a.createdAt())).bind("after", a.id()));
        return withDomains(h, query.map((rs, ctx) -> row(rs)).list());
    }

    /** {@code text} as a LIKE pattern's literal part: its wildcards and the escape character escaped by '!'. */
    static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    public int countChildren(Handle h, String id) {
        return h.createQuery("SELECT COUNT(*) FROM accounts WHERE parent_id = :id")
                .bind("id", id)
                .mapTo(Integer.class)
                .one();
    }

    public void delete(Handle h, String id) {
        h.createUpdate("DELETE FROM accounts WHERE id = :id").bind("id", id).execute();
    }

    /** The account that owns each of the given names, for the names that are taken. */
    public Map<String, String> owners(Handle h, Collection<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, String> owners = new LinkedHashMap<>();
        h.createQuery("SELECT name, account_id FROM domains WHERE name IN (<names>) ORDER BY name")
                .bindList("names", new ArrayList<>(names))
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> owners.put(e.getKey(), e.getValue()));
        return owners;
    }

    /** A stored domain above or below a requested name, with the family (the vendor, or the account itself if a vendor) that owns it. */
    public record NestedClaim(String requested, String stored, String ownerFamily) {}

    /**
     * The stored domains that are a parent or a child of one of {@code names} (not the names
     * themselves): {@code vendorb.test} for {@code print.vendorb.test}, and the other way round.
     */
    public List<NestedClaim> nestedClaims(Handle h, Collection<String> names) {
        List<NestedClaim> out = new ArrayList<>();
        if (names.isEmpty()) {
            return out;
        }
        Map<String, List<String>> requestedByParent = new LinkedHashMap<>();
        for (String name : names) {
            String rest = name;
            while (rest.indexOf('.') > 0 && rest.indexOf('.') < rest.lastIndexOf('.')) {
                rest = rest.substring(rest.indexOf('.') + 1);
                requestedByParent.computeIfAbsent(rest, k -> new ArrayList<>()).add(name);
            }
        }
        if (!requestedByParent.isEmpty()) {
            h.createQuery(
                            "SELECT d.name, COALESCE(a.parent_id, a.id) FROM domains d JOIN accounts a ON a.id = d.account_id"
                                    + " WHERE d.name IN (<parents>)")
                    .bindList("parents", new ArrayList<>(requestedByParent.keySet()))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> requestedByParent
                            .get(e.getKey())
                            .forEach(requested -> out.add(new NestedClaim(requested, e.getKey(), e.getValue()))));
        }
        List<String> list = new ArrayList<>(names);
        for (int from = 0; from < list.size(); from += 100) {
            List<String> batch = list.subList(from, Math.min(list.size(), from + 100));
            StringBuilder where = new StringBuilder();
            for (int i = 0; i < batch.size(); i++) {
                where.append(i == 0 ? "" : " OR ").append("d.name LIKE :n").append(i);
            }
            var query = h.createQuery(
                    "SELECT d.name, COALESCE(a.parent_id, a.id) FROM domains d JOIN accounts a ON a.id = d.account_id"
                            + " WHERE " + where);
            for (int i = 0; i < batch.size(); i++) {
                query.bind(
                        "n" + i,
                        "%." + batch.get(i)); // names are letters, digits, hyphens and dots: nothing LIKE treats
                // specially
            }
            query.map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> {
                for (String requested : batch) {
                    if (e.getKey().endsWith("." + requested)) {
                        out.add(new NestedClaim(requested, e.getKey(), e.getValue()));
                    }
                }
            });
        }
        return out;
    }

    /**
     * Makes the account's domains exactly {@code names}: removes the others (and with them their
     * TLS bindings) and adds the new ones; names kept keep their bindings.
     */
    public void replaceDomains(Handle h, String accountId, List<String> names, Instant at) {
        List<String> current = h.createQuery("SELECT name FROM domains WHERE account_id = :id")
                .bind("id", accountId)
                .mapTo(String.class)
                .list();
        List<String> removed = current.stream().filter(n -> !names.contains(n)).toList();
        List<String> added = names.stream().filter(n -> !current.contains(n)).toList();
        if (!removed.isEmpty()) {
            h.createUpdate("DELETE FROM domains WHERE account_id = :id AND name IN (<names>)")
                    .bind("id", accountId)
                    .bindList("names", removed)
                    .execute();
        }
        if (!added.isEmpty()) {
            var batch = h.prepareBatch("INSERT INTO domains (name, account_id, created_at) VALUES (:name, :id, :at)");
            for (String name : added) {
                batch.bind("name", name)
                        .bind("id", accountId)
                        .bind("at", Database.utc(at))
                        .add();
            }
            batch.execute();
        }
    }

    private List<Account> withDomains(Handle h, List<Account> accounts) {
        if (accounts.isEmpty()) {
            return accounts;
        }
        Map<String, List<String>> domains = new LinkedHashMap<>();
        h.createQuery("SELECT account_id, name FROM domains WHERE account_id IN (<ids>) ORDER BY name")
                .bindList("ids", accounts.stream().map(Account::id).toList())
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> domains.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        return accounts.stream()
                .map(a -> a.withDomains(domains.getOrDefault(a.id(), List.of())))
                .toList();
    }

    private static Account row(ResultSet rs) throws SQLException {
        return new Account(
                rs.getString("id"),
                rs.getString("name"),
                AccountType.valueOf(rs.getString("type")),
                Optional.ofNullable(rs.getString("parent_id")),
                List.of(),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
