package io.certdesk.server.ca;

import io.certdesk.server.store.Database;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for the platform CA row and the platform's own server certificates. */
public final class PlatformCaStore {
    static final String CURRENT = "current";

    /**
     * The stored platform CA: certificates as DER, keys by their sealed-key id. The EC issuing
     * CA is empty when the root is EC (its one issuing CA signs everything).
     */
    public record CaRow(
            byte[] rootDer,
            String rootKeyId,
            byte[] issuingDer,
            String issuingKeyId,
            Optional<byte[]> ecIssuingDer,
            Optional<String> ecIssuingKeyId) {}

    public record ServerCertRow(String hostname, byte[] leafDer, String keyId, Instant notAfter) {}

    public Optional<CaRow> find(Handle h) {
        return h.createQuery(
                        "SELECT root_der, root_key_id, issuing_der, issuing_key_id, ec_issuing_der, ec_issuing_key_id "
                                + "FROM platform_ca WHERE id = :id")
                .bind("id", CURRENT)
                .map((rs, ctx) -> new CaRow(
                        rs.getBytes(1),
                        rs.getString(2),
                        rs.getBytes(3),
                        rs.getString(4),
                        Optional.ofNullable(rs.getBytes(5)),
                        Optional.ofNullable(rs.getString(6))))
                .findOne();
    }

    public void insert(Handle h, CaRow row, Instant at) {
        h.createUpdate(
                        "INSERT INTO platform_ca (id, root_der, root_key_id, issuing_der, issuing_key_id, ec_issuing_der, "
                                + "ec_issuing_key_id, created_at) VALUES (:id, :root, :rootKey, :issuing, :issuingKey, :ec, :ecKey, :at)")
                .bind("id", CURRENT)
                .bind("root", row.rootDer())
                .bind("rootKey", row.rootKeyId())
                .bind("issuing", row.issuingDer())
                .bind("issuingKey", row.issuingKeyId())
                .bind("ec", row.ecIssuingDer().orElse(null))
                .bind("ecKey", row.ecIssuingKeyId().orElse(null))
                .bind("at", Database.utc(at))
                .execute();
    }

    /** The platform CA's row, locked for a change (a renewal of an issuing CA) until the transaction ends. */
    public Optional<CaRow> lock(Handle h) {
        h.createQuery("SELECT id FROM platform_ca WHERE id = :id FOR UPDATE")
                .bind("id", CURRENT)
                .mapTo(String.class)
                .findOne();
        return find(h);
    }

    /** Replaces an issuing CA (the RSA-or-only one, or the EC one) by its successor. */
    public void replaceIssuing(Handle h, boolean ec, byte[] der, String keyId) {
        h.createUpdate("UPDATE platform_ca SET "
                        + (ec
                                ? "ec_issuing_der = :der, ec_issuing_key_id = :key"
                                : "issuing_der = :der, issuing_key_id = :key")
                        + " WHERE id = :id")
                .bind("der", der)
                .bind("key", keyId)
                .bind("id", CURRENT)
                .execute();
    }

    /** A replaced issuing CA, kept to answer for what it issued. */
    public record RetiredRow(byte[] der, String keyId) {}

    public void retire(Handle h, String sha256, byte[] der, String keyId, Instant at) {
        h.createUpdate("INSERT INTO retired_issuing_cas (sha256, der, key_id, retired_at) VALUES (:s, :der, :key, :at)")
                .bind("s", sha256)
                .bind("der", der)
                .bind("key", keyId)
                .bind("at", Database.utc(at))
                .execute();
    }

    public java.util.List<RetiredRow> retired(Handle h) {
        return h.createQuery("SELECT der, key_id FROM retired_issuing_cas ORDER BY retired_at")
                .map((rs, ctx) -> new RetiredRow(rs.getBytes(1), rs.getString(2)))
                .list();
    }

    /** A retired issuing CA's certificate, by its SHA-256. */
    public java.util.Optional<byte[]> retiredDer(Handle h, String sha256) {
        return h.createQuery("SELECT der FROM retired_issuing_cas WHERE sha256 = :s")
                .bind("s", sha256)
                .mapTo(byte[].class)
                .findOne();
    }

    /** Adds the EC issuing CA to a platform CA created without one; false when another node added one first. */
    public boolean addEcIssuing(Handle h, byte[] der, String keyId) {
        return h.createUpdate(
                                "UPDATE platform_ca SET ec_issuing_der = :ec, ec_issuing_key_id = :key WHERE id = :id AND ec_issuing_der IS NULL")
                        .bind("ec", der)
                        .bind("key", keyId)
                        .bind("id", CURRENT)
                        .execute()
                == 1;
    }

    public Optional<ServerCertRow> findServerCert(Handle h, String hostname) {
        return h.createQuery(
                        "SELECT hostname, leaf_der, key_id, not_after FROM server_certificates WHERE hostname = :h")
                .bind("h", hostname)
                .map((rs, ctx) -> new ServerCertRow(
                        rs.getString(1),
                        rs.getBytes(2),
                        rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()))
                .findOne();
    }

    /** Inserts or replaces the server certificate of a host name. */
    public void saveServerCert(Handle h, ServerCertRow row, Instant at) {
        h.createUpdate("DELETE FROM server_certificates WHERE hostname = :h")
                .bind("h", row.hostname())
                .execute();
        h.createUpdate(
                        "INSERT INTO server_certificates (hostname, leaf_der, key_id, not_after, created_at) VALUES (:h, :leaf, :key, :na, :at)")
                .bind("h", row.hostname())
                .bind("leaf", row.leafDer())
                .bind("key", row.keyId())
                .bind("na", Database.utc(row.notAfter()))
                .bind("at", Database.utc(at))
                .execute();
    }
}
