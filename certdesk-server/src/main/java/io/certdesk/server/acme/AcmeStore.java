package io.certdesk.server.acme;

import io.certdesk.server.acme.AcmeRecords.AcmeAccount;
import io.certdesk.server.acme.AcmeRecords.AcmeSettings;
import io.certdesk.server.acme.AcmeRecords.Authorization;
import io.certdesk.server.acme.AcmeRecords.Challenge;
import io.certdesk.server.acme.AcmeRecords.EabKey;
import io.certdesk.server.acme.AcmeRecords.Order;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for the ACME server's records. */
final class AcmeStore {
    // ---- EAB credentials ----
    void insertEab(
            Handle h, String keyId, String accountId, String secretKeyId, Optional<String> description, Instant at) {
        h.createUpdate("INSERT INTO acme_eab_keys (key_id, account_id, secret_key_id, description, created_at)"
                        + " VALUES (:k, :a, :s, :d, :at)")
                .bind("k", keyId)
                .bind("a", accountId)
                .bind("s", secretKeyId)
                .bind("d", description.orElse(null))
                .bind("at", Database.utc(at))
                .execute();
    }

    List<EabKey> eabOf(Handle h, String accountId) {
        return h.createQuery("SELECT key_id, account_id, description, created_at, bound_at, acme_account_id"
                        + " FROM acme_eab_keys WHERE account_id = :a ORDER BY created_at, key_id")
                .bind("a", accountId)
                .map((rs, ctx) -> eab(rs))
                .list();
    }

    int countEab(Handle h, String accountId) {
        return h.createQuery("SELECT COUNT(*) FROM acme_eab_keys WHERE account_id = :a")
                .bind("a", accountId)
                .mapTo(Integer.class)
                .one();
    }

    /** The credential's sealed key id and whether it is still unbound, locked for binding. */
    Optional<String[]> lockEab(Handle h, String accountId, String keyId) {
        return h.createQuery(
                        "SELECT secret_key_id, acme_account_id FROM acme_eab_keys WHERE account_id = :a AND key_id = :k FOR UPDATE")
                .bind("a", accountId)
                .bind("k", keyId)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
                .findOne();
    }

    void bindEab(Handle h, String keyId, String acmeAccountId, Instant at) {
        h.createUpdate("UPDATE acme_eab_keys SET bound_at = :at, acme_account_id = :acct WHERE key_id = :k")
                .bind("at", Database.utc(at))
                .bind("acct", acmeAccountId)
                .bind("k", keyId)
                .execute();
    }

    /** Deletes a credential and its key; false when the account has none by that id. */
    boolean deleteEab(Handle h, String accountId, String keyId) {
        Optional<String> secret = h.createQuery(
                        "SELECT secret_key_id FROM acme_eab_keys WHERE account_id = :a AND key_id = :k")
                .bind("a", accountId)
                .bind("k", keyId)
                .mapTo(String.class)
                .findOne();
        secret.ifPresent(s -> h.createUpdate("DELETE FROM sealed_keys WHERE id = :s")
                .bind("s", s)
                .execute());
        return secret.isPresent();
    }

    private static EabKey eab(ResultSet rs) throws SQLException {
        return new EabKey(
                rs.getString("key_id"),
                rs.getString("account_id"),
                Optional.ofNullable(rs.getString("description")),
                Database.instant(rs, rs.findColumn("created_at")),
                Optional.ofNullable(Database.instant(rs, rs.findColumn("bound_at"))),
                Optional.ofNullable(rs.getString("acme_account_id")));
    }

    // ---- accounts ----
    private static final String ACCOUNT =
            "id, account_id, jwk_thumbprint, jwk, status, contact, eab_key_id, created_at";

    void insertAccount(Handle h, AcmeAccount a) {
        h.createUpdate("INSERT INTO acme_accounts (" + ACCOUNT + ") VALUES (:id, :a, :t, :jwk, :s, :c, :eab, :at)")
                .bind("id", a.id())
                .bind("a", a.accountId())
                .bind("t", a.thumbprint())
                .bind("jwk", a.jwk())
                .bind("s", a.status())
                .bind("c", String.join(" ", a.contact()))
                .bind("eab", a.eabKeyId())
                .bind("at", Database.utc(a.createdAt()))
                .execute();
    }

    Optional<AcmeAccount> account(Handle h, String accountId, String id) {
        return h.createQuery("SELECT " + ACCOUNT + " FROM acme_accounts WHERE account_id = :a AND id = :id")
                .bind("a", accountId)
                .bind("id", id)
                .map((rs, ctx) -> account(rs))
                .findOne();
    }

    Optional<AcmeAccount> accountByKey(Handle h, String accountId, String thumbprint) {
        return h.createQuery("SELECT " + ACCOUNT + " FROM acme_accounts WHERE account_id = :a AND jwk_thumbprint = :t")
                .bind("a", accountId)
                .bind("t", thumbprint)
                .map((rs, ctx) -> account(rs))
                .findOne();
    }

    void updateAccount(Handle h, String id, String status, List<String> contact) {
        h.createUpdate("UPDATE acme_accounts SET status = :s, contact = :c WHERE id = :id")
                .bind("s", status)
                .bind("c", String.join(" ", contact))
                .bind("id", id)
                .execute();
    }

    void changeKey(Handle h, String id, String thumbprint, String jwk) {
        h.createUpdate("UPDATE acme_accounts SET jwk_thumbprint = :t, jwk = :jwk WHERE id = :id")
                .bind("t", thumbprint)
                .bind("jwk", jwk)
                .bind("id", id)
                .execute();
    }

    private static AcmeAccount account(ResultSet rs) throws SQLException {
        String contact = rs.getString("contact");
        return new AcmeAccount(
                rs.getString("id"),
                rs.getString("account_id"),
                rs.getString("jwk_thumbprint"),
                rs.getString("jwk"),
                rs.getString("status"),
                contact.isEmpty() ? List.of() : Arrays.asList(contact.split(" ")),
                rs.getString("eab_key_id"),
                Database.instant(rs, rs.findColumn("created_at")));
    }

    // ---- orders ----
    private static final String ORDER = "id, acme_account_id, account_id, status, identifiers, expires_at, error,"
            + " issuer_sha256, serial, replaces, created_at";

    void insertOrder(Handle h, Order o) {
        h.createUpdate("INSERT INTO acme_orders (" + ORDER
                        + ") VALUES (:id, :acct, :a, :s, :ids, :exp, NULL, NULL, NULL, :rep, :at)")
                .bind("id", o.id())
                .bind("acct", o.acmeAccountId())
                .bind("a", o.accountId())
                .bind("s", o.status())
                .bind("ids", String.join(",", o.identifiers()))
                .bind("exp", Database.utc(o.expiresAt()))
                .bind("rep", o.replaces().orElse(null))
                .bind("at", Database.utc(o.createdAt()))
                .execute();
    }

    Optional<Order> order(Handle h, String accountId, String id, boolean lock) {
        return h.createQuery("SELECT " + ORDER + " FROM acme_orders WHERE account_id = :a AND id = :id"
                        + (lock ? " FOR UPDATE" : ""))
                .bind("a", accountId)
                .bind("id", id)
                .map((rs, ctx) -> order(rs))
                .findOne();
    }

    List<String> orderIdsOf(Handle h, String acmeAccountId, int limit) {
        return h.createQuery(
                        "SELECT id FROM acme_orders WHERE acme_account_id = :acct ORDER BY created_at DESC LIMIT :n")
                .bind("acct", acmeAccountId)
                .bind("n", limit)
                .mapTo(String.class)
                .list();
    }

    int ordersSince(Handle h, String accountId, Instant since) {
        return h.createQuery("SELECT COUNT(*) FROM acme_orders WHERE account_id = :a AND created_at > :since")
                .bind("a", accountId)
                .bind("since", Database.utc(since))
                .mapTo(Integer.class)
                .one();
    }

    void setOrderStatus(Handle h, String id, String status, Optional<String> error) {
        h.createUpdate("UPDATE acme_orders SET status = :s, error = :e WHERE id = :id")
                .bind("s", status)
                .bind("e", error.orElse(null))
                .bind("id", id)
                .execute();
    }

    void orderIssued(Handle h, String id, String issuerSha256, String serial) {
        h.createUpdate("UPDATE acme_orders SET status = 'valid', issuer_sha256 = :i, serial = :s WHERE id = :id")
                .bind("i", issuerSha256)
                .bind("s", serial)
                .bind("id", id)
                .execute();
    }

    private static Order order(ResultSet rs) throws SQLException {
        return new Order(
                rs.getString("id"),
                rs.getString("acme_account_id"),
                rs.getString("account_id"),
                rs.getString("status"),
                Arrays.asList(rs.getString("identifiers").split(",")),
                Database.instant(rs, rs.findColumn("expires_at")),
                Optional.ofNullable(rs.getString("error")),
                Optional.ofNullable(rs.getString("issuer_sha256")),
                Optional.ofNullable(rs.getString("serial")),
                Optional.ofNullable(rs.getString("replaces")),
                Database.instant(rs, rs.findColumn("created_at")));
    }

    // ---- authorizations and challenges ----
    void insertAuthorization(Handle h, Authorization a) {
        h.createUpdate("INSERT INTO acme_authorizations (id, order_id, identifier, status, expires_at)"
                        + " VALUES (:id, :o, :i, :s, :exp)")
                .bind("id", a.id())
                .bind("o", a.orderId())
                .bind("i", a.identifier())
                .bind("s", a.status())
                .bind("exp", Database.utc(a.expiresAt()))
                .execute();
    }

    List<Authorization> authorizationsOf(Handle h, String orderId) {
        return h.createQuery("SELECT id, order_id, identifier, status, expires_at FROM acme_authorizations"
                        + " WHERE order_id = :o ORDER BY identifier")
                .bind("o", orderId)
                .map((rs, ctx) -> authorization(rs))
                .list();
    }

    /** An authorization with its order's account, for checking who asks. */
    Optional<Authorization> authorization(Handle h, String accountId, String id, boolean lock) {
        return h.createQuery("SELECT z.id, z.order_id, z.identifier, z.status, z.expires_at FROM acme_authorizations z"
                        + " JOIN acme_orders o ON o.id = z.order_id WHERE z.id = :id AND o.account_id = :a"
                        + (lock ? " FOR UPDATE" : ""))
                .bind("id", id)
                .bind("a", accountId)
                .map((rs, ctx) -> authorization(rs))
                .findOne();
    }

    void setAuthorizationStatus(Handle h, String id, String status) {
        h.createUpdate("UPDATE acme_authorizations SET status = :s WHERE id = :id")
                .bind("s", status)
                .bind("id", id)
                .execute();
    }

    private static Authorization authorization(ResultSet rs) throws SQLException {
        return new Authorization(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Database.instant(rs, 5));
    }

    void insertChallenge(Handle h, Challenge c) {
        h.createUpdate("INSERT INTO acme_challenges (id, authz_id, type, token, status, validated_at)"
                        + " VALUES (:id, :z, :t, :tok, :s, :v)")
                .bind("id", c.id())
                .bind("z", c.authzId())
                .bind("t", c.type())
                .bind("tok", c.token())
                .bind("s", c.status())
                .bind("v", c.validatedAt().map(Database::utc).orElse(null))
                .execute();
    }

    List<Challenge> challengesOf(Handle h, String authzId) {
        return h.createQuery("SELECT id, authz_id, type, token, status, validated_at, error FROM acme_challenges"
                        + " WHERE authz_id = :z ORDER BY type")
                .bind("z", authzId)
                .map((rs, ctx) -> challenge(rs))
                .list();
    }

    Optional<Challenge> challenge(Handle h, String accountId, String id, boolean lock) {
        return h.createQuery("SELECT c.id, c.authz_id, c.type, c.token, c.status, c.validated_at, c.error"
                        + " FROM acme_challenges c JOIN acme_authorizations z ON z.id = c.authz_id"
                        + " JOIN acme_orders o ON o.id = z.order_id WHERE c.id = :id AND o.account_id = :a"
                        + (lock ? " FOR UPDATE" : ""))
                .bind("id", id)
                .bind("a", accountId)
                .map((rs, ctx) -> challenge(rs))
                .findOne();
    }

    void setChallenge(Handle h, String id, String status, Optional<Instant> validatedAt, Optional<String> error) {
        h.createUpdate("UPDATE acme_challenges SET status = :s, validated_at = :v, error = :e WHERE id = :id")
                .bind("s", status)
                .bind("v", validatedAt.map(Database::utc).orElse(null))
                .bind("e", error.orElse(null))
                .bind("id", id)
                .execute();
    }

    private static Challenge challenge(ResultSet rs) throws SQLException {
        return new Challenge(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                Optional.ofNullable(Database.instant(rs, 6)),
                Optional.ofNullable(rs.getString(7)));
    }

    /** The order of an issued certificate of the account, by its serial. */
    Optional<Order> orderOfSerial(Handle h, String accountId, String serial) {
        return h.createQuery("SELECT " + ORDER + " FROM acme_orders WHERE account_id = :a AND serial = :s")
                .bind("a", accountId)
                .bind("s", serial)
                .map((rs, ctx) -> order(rs))
                .findFirst();
    }

    // ---- settings ----
    AcmeSettings settings(Handle h, String accountId) {
        return h.createQuery("SELECT domains_prevalidated, orders_per_hour FROM acme_account_settings"
                        + " WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> new AcmeSettings(rs.getBoolean(1), rs.getInt(2)))
                .findOne()
                .orElse(AcmeSettings.DEFAULT);
    }

    void saveSettings(Handle h, String accountId, AcmeSettings settings, Instant at) {
        int updated = h.createUpdate("UPDATE acme_account_settings SET domains_prevalidated = :p,"
                        + " orders_per_hour = :n, updated_at = :at WHERE account_id = :a")
                .bind("p", settings.domainsPrevalidated())
                .bind("n", settings.ordersPerHour())
                .bind("at", Database.utc(at))
                .bind("a", accountId)
                .execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO acme_account_settings (account_id, domains_prevalidated, orders_per_hour,"
                            + " updated_at) VALUES (:a, :p, :n, :at)")
                    .bind("p", settings.domainsPrevalidated())
                    .bind("n", settings.ordersPerHour())
                    .bind("at", Database.utc(at))
                    .bind("a", accountId)
                    .execute();
        }
    }

    /** Marks ended what ended: pending orders and authorizations past their end; how many orders. */
    int expire(Handle h, Instant now) {
        h.createUpdate("UPDATE acme_authorizations SET status = 'expired' WHERE status IN ('pending', 'valid')"
                        + " AND expires_at < :now")
                .bind("now", Database.utc(now))
                .execute();
        return h.createUpdate("UPDATE acme_orders SET status = 'invalid', error = 'expired' WHERE status IN"
                        + " ('pending', 'ready') AND expires_at < :now")
                .bind("now", Database.utc(now))
                .execute();
    }
}
