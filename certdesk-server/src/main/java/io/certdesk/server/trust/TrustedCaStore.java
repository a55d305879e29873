package io.certdesk.server.trust;

import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL for trusted CA certificates. */
public final class TrustedCaStore {
    private static final String COLUMNS =
            "id, account_id, sha256, subject, issuer, serial_number, not_before, not_after, is_ca, "
                    + "key_algorithm, key_size, signature_algorithm, self_signed, created_at, share_with_customers";

    public void insert(Handle h, TrustedCa ca, byte[] der) {
        CertificateInfo i = ca.info();
        h.createUpdate("INSERT INTO trusted_cas (" + COLUMNS
                        + ", der) VALUES (:id, :account, :sha, :subject, :issuer, :serial, "
                        + ":nb, :na, :ca, :alg, :size, :sig, :self, :at, :shared, :der)")
                .bind("id", ca.id())
                .bind("account", ca.accountId())
                .bind("sha", i.sha256())
                .bind("subject", i.subject())
                .bind("issuer", i.issuer())
                .bind("serial", i.serialNumber())
                .bind("nb", Database.utc(i.notBefore()))
                .bind("na", Database.utc(i.notAfter()))
                .bind("ca", i.isCa())
                .bind("alg", i.keyAlgorithm())
                .bind("size", i.keySize())
                .bind("sig", i.signatureAlgorithm())
                .bind("self", i.selfSigned())
                .bind("at", Database.utc(ca.createdAt()))
                .bind("shared", ca.sharedWithCustomers())
                .bind("der", der)
                .execute();
    }

    public Set<String> sha256s(Handle h, String accountId) {
        return new HashSet<>(h.createQuery("SELECT sha256 FROM trusted_cas WHERE account_id = :a")
                .bind("a", accountId)
                .mapTo(String.class)
                .list());
    }

    /** One page in creation order: rows after ({@code afterCreated}, {@code afterId}), or from the start when empty. */
    public List<TrustedCa> page(Handle h, String accountId, Optional<TrustedCa> after, int limit) {
        String keyset = after.isEmpty() ? "" : " AND (created_at > :c OR (created_at = :c AND id > :i))";
        var query = h.createQuery("SELECT " + COLUMNS + " FROM trusted_cas WHERE account_id = :a" + keyset
                        + " ORDER BY created_at, id LIMIT :limit")
                .bind("a", accountId)
                .bind("limit", limit);
        after.ifPresent(a -> query.bind("c", Database.utc(a.createdAt())).bind("i", a.id()));
        return query.map((rs, ctx) -> row(rs)).list();
    }

    public Optional<TrustedCa> find(Handle h, String accountId, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM trusted_cas WHERE account_id = :a AND id = :id")
                .bind("a", accountId)
                .bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    public Optional<byte[]> der(Handle h, String accountId, String id) {
        return h.createQuery("SELECT der FROM trusted_cas WHERE account_id = :a AND id = :id")
                .bind("a", accountId)
                .bind("id", id)
                .map((rs, ctx) -> rs.getBytes(1))
                .findOne();
    }

    /** Every trusted certificate of the account, DER. */
    public List<byte[]> ders(Handle h, String accountId) {
        return h.createQuery("SELECT der FROM trusted_cas WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> rs.getBytes(1))
                .list();
    }

    /**
     * What an account's outbound TLS trusts: its own certificates, and those its vendor shares
     * with customers (when it has a vendor), DER.
     */
    public List<byte[]> trustedBy(Handle h, String accountId, Optional<String> vendorId) {
        return h.createQuery(
                        // two index lookups (an OR of the two made H2 read the whole table)
                        "SELECT der FROM trusted_cas WHERE account_id = :a UNION ALL"
                                + " SELECT der FROM trusted_cas WHERE account_id = :v AND share_with_customers AND :v <> :a")
                .bind("a", accountId)
                .bind("v", vendorId.orElse(accountId))
                .map((rs, ctx) -> rs.getBytes(1))
                .list();
    }

    /** Marks a certificate shared with the account's customers or not; false when it does not exist. */
    public boolean setShared(Handle h, String accountId, String id, boolean shared) {
        return h.createUpdate("UPDATE trusted_cas SET share_with_customers = :s WHERE account_id = :a AND id = :id")
                        .bind("s", shared)
                        .bind("a", accountId)
                        .bind("id", id)
                        .execute()
                == 1;
    }

    public int count(Handle h, String accountId) {
        return h.createQuery("SELECT COUNT(*) FROM trusted_cas WHERE account_id = :a")
                .bind("a", accountId)
                .mapTo(Integer.class)
                .one();
    }

    public boolean delete(Handle h, String accountId, String id) {
        return h.createUpdate("DELETE FROM trusted_cas WHERE account_id = :a AND id = :id")
                        .bind("a", accountId)
                        .bind("id", id)
                        .execute()
                == 1;
    }

    private static TrustedCa row(ResultSet rs) throws SQLException {
        CertificateInfo info = new CertificateInfo(
                rs.getString("subject"),
                rs.getString("issuer"),
                rs.getString("serial_number"),
                instant(rs, "not_before"),
                instant(rs, "not_after"),
                rs.getString("sha256"),
                rs.getBoolean("is_ca"),
                rs.getString("key_algorithm"),
                rs.getInt("key_size"),
                rs.getString("signature_algorithm"),
                rs.getBoolean("self_signed"));
        return new TrustedCa(
                rs.getString("id"),
                rs.getString("account_id"),
                info,
                instant(rs, "created_at"),
                rs.getBoolean("share_with_customers"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
