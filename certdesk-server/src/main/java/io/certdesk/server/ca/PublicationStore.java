package io.certdesk.server.ca;

import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.revocation.RevokedEntry;
import io.certdesk.server.store.Database;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for what the platform CA publishes: each CA's CRL and its delegated OCSP responder. */
public final class PublicationStore {
    /**
     * A CA's CRL row: {@code revision} counts the revocations of what it signed, {@code builtRevision}
     * the revision the stored CRL ({@code der}, empty before the first) was built at.
     */
    public record CrlRow(
            String issuerSha256,
            long revision,
            long builtRevision,
            long crlNumber,
            Optional<Instant> thisUpdate,
            Optional<Instant> nextUpdate,
            int entries) {}

    public record ResponderRow(String issuerSha256, byte[] certificateDer, String keyId, Instant notAfter) {}

    /** Makes the CRL row of a CA if it has none; false when it existed (or another node made it meanwhile). */
    public boolean ensureCrl(Handle h, String issuerSha256) {
        h.createUpdate("INSERT INTO crl_revisions (issuer_sha256, revision) SELECT :i, 0 WHERE NOT EXISTS"
                        + " (SELECT 1 FROM crl_revisions WHERE issuer_sha256 = :i)")
                .bind("i", issuerSha256)
                .execute();
        return h.createUpdate("INSERT INTO crls (issuer_sha256, built_revision, crl_number, entries)"
                                + " SELECT :i, -1, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM crls WHERE issuer_sha256 = :i)")
                        .bind("i", issuerSha256)
                        .execute()
                == 1;
    }

    /** Counts a revocation of a certificate the CA signed (inside the revocation's transaction). */
    void countRevocation(Handle h, String issuerSha256) {
        h.createUpdate("UPDATE crl_revisions SET revision = revision + 1 WHERE issuer_sha256 = :i")
                .bind("i", issuerSha256)
                .execute();
    }

    public List<CrlRow> crlStates(Handle h) {
        return h.createQuery(
                        "SELECT c.issuer_sha256, r.revision, c.built_revision, c.crl_number, c.this_update, c.next_update,"
                                + " c.entries FROM crls c JOIN crl_revisions r ON r.issuer_sha256 = c.issuer_sha256")
                .map((rs, ctx) -> new CrlRow(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        Optional.ofNullable(Database.instant(rs, 5)),
                        Optional.ofNullable(Database.instant(rs, 6)),
                        rs.getInt(7)))
                .list();
    }

    public Optional<byte[]> crlDer(Handle h, String issuerSha256, long crlNumber) {
        return h.createQuery("SELECT der FROM crls WHERE issuer_sha256 = :i AND crl_number = :n")
                .bind("i", issuerSha256)
                .bind("n", crlNumber)
                .mapTo(byte[].class)
                .findOne();
    }

    /**
     * Stores CRL number {@code crlNumber} built at {@code builtRevision}, unless another node stored
     * that number first (then false, and nothing changes).
     */
    public boolean storeCrl(
            Handle h,
            String issuerSha256,
            long crlNumber,
            long builtRevision,
            Instant thisUpdate,
            Instant nextUpdate,
            int entries,
            byte[] der) {
        return h.createUpdate(
                                "UPDATE crls SET crl_number = :n, built_revision = :r, this_update = :t, next_update = :nu,"
                                        + " entries = :e, der = :der WHERE issuer_sha256 = :i AND crl_number = :previous")
                        .bind("n", crlNumber)
                        .bind("previous", crlNumber - 1)
                        .bind("r", builtRevision)
                        .bind("t", Database.utc(thisUpdate))
                        .bind("nu", Database.utc(nextUpdate))
                        .bind("e", entries)
                        .bind("der", der)
                        .bind("i", issuerSha256)
                        .execute()
                == 1;
    }

    /** A revoked certificate as a CRL lists it, with when it expires (then it leaves the CRL). */
    public record Listed(RevokedEntry entry, Instant notAfter) {}

    /** What a CRL of the CA lists: its revoked certificates that have not expired by {@code now}. */
    public List<Listed> revokedUnexpired(Handle h, String issuerSha256, Instant now) {
        return listed(h, "not_after > :t", issuerSha256, now);
    }

    /** The CA's certificates revoked at or after {@code since} (what a CRL built before may lack). */
    public List<Listed> revokedSince(Handle h, String issuerSha256, Instant since) {
        return listed(h, "revoked_at >= :t", issuerSha256, since);
    }

    private static List<Listed> listed(Handle h, String condition, String issuerSha256, Instant at) {
        return h.createQuery("SELECT serial, revoked_at, revocation_reason, not_after FROM issued_certificates"
                        + " WHERE issuer_sha256 = :i AND revoked_at IS NOT NULL AND " + condition)
                .bind("i", issuerSha256)
                .bind("t", Database.utc(at))
                .setFetchSize(10_000)
                .map((rs, ctx) -> new Listed(
                        new RevokedEntry(
                                new BigInteger(rs.getString(1), 16),
                                Database.instant(rs, 2),
                                RevocationReason.valueOf(rs.getString(3))),
                        Database.instant(rs, 4)))
                .list();
    }

    public Optional<ResponderRow> responder(Handle h, String issuerSha256) {
        return h.createQuery(
                        "SELECT issuer_sha256, certificate_der, key_id, not_after FROM ocsp_responders WHERE issuer_sha256 = :i")
                .bind("i", issuerSha256)
                .map((rs, ctx) ->
                        new ResponderRow(rs.getString(1), rs.getBytes(2), rs.getString(3), Database.instant(rs, 4)))
                .findOne();
    }

    /** The CA's first responder; false when another node stored one first. */
    public boolean insertResponder(Handle h, ResponderRow row, Instant at) {
        return h.createUpdate(
                                "INSERT INTO ocsp_responders (issuer_sha256, certificate_der, key_id, not_after, created_at)"
                                        + " SELECT :i, :der, :k, :na, :at WHERE NOT EXISTS"
                                        + " (SELECT 1 FROM ocsp_responders WHERE issuer_sha256 = :i)")
                        .bind("i", row.issuerSha256())
                        .bind("der", row.certificateDer())
                        .bind("k", row.keyId())
                        .bind("na", Database.utc(row.notAfter()))
                        .bind("at", Database.utc(at))
                        .execute()
                == 1;
    }

    /** Replaces the responder whose key was {@code previousKeyId}; false when another node replaced it first. */
    public boolean replaceResponder(Handle h, ResponderRow row, String previousKeyId, Instant at) {
        boolean replaced = h.createUpdate(
                                "UPDATE ocsp_responders SET certificate_der = :der, key_id = :k, not_after = :na, created_at = :at"
                                        + " WHERE issuer_sha256 = :i AND key_id = :previous")
                        .bind("i", row.issuerSha256())
                        .bind("der", row.certificateDer())
                        .bind("k", row.keyId())
                        .bind("na", Database.utc(row.notAfter()))
                        .bind("at", Database.utc(at))
                        .bind("previous", previousKeyId)
                        .execute()
                == 1;
        if (replaced) {
            h.createUpdate("DELETE FROM sealed_keys WHERE id = :k")
                    .bind("k", previousKeyId)
                    .execute();
        }
        return replaced;
    }
}
