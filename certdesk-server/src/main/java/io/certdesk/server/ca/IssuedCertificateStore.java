package io.certdesk.server.ca;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.server.store.Database;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** The record of what the platform CA signed, and its revocations. */
public final class IssuedCertificateStore {
    private static final String COLUMNS =
            "issuer_sha256, serial, subject, dns_names, not_before, not_after, issued_for, account_id,"
                    + " chain_id, sha256, issued_at, revoked_at, revocation_reason";

    /** Records {@code certificate}, signed by {@code issuer}, inside the transaction that stores what it is for. */
    public void record(
            Handle h,
            X509Certificate certificate,
            X509Certificate issuer,
            IssuedFor issuedFor,
            Optional<String> accountId,
            Optional<String> chainId,
            List<String> dnsNames,
            Instant at) {
        record(h, certificate, issuer, issuedFor, accountId, chainId, dnsNames, at, false);
    }

    /** As above; {@code keepDer}: the certificate itself is kept too, to be downloaded again (its key is elsewhere). */
    public void record(
            Handle h,
            X509Certificate certificate,
            X509Certificate issuer,
            IssuedFor issuedFor,
            Optional<String> accountId,
            Optional<String> chainId,
            List<String> dnsNames,
            Instant at,
            boolean keepDer) {
        h.createUpdate(
                        "INSERT INTO issued_certificates (issuer_sha256, serial, subject, dns_names, not_before, not_after, issued_for,"
                                + " account_id, chain_id, sha256, issued_at, der) VALUES (:issuer, :serial, :subject, :names, :nb, :na, :for,"
                                + " :account, :chain, :sha, :at, :der)")
                .bind("der", keepDer ? CertificateCodec.encodeDer(certificate) : null)
                .bind("issuer", CertificateCodec.sha256Hex(issuer))
                .bind("serial", certificate.getSerialNumber().toString(16))
                .bind("subject", certificate.getSubjectX500Principal().getName())
                .bind("names", String.join(",", dnsNames))
                .bind("nb", Database.utc(certificate.getNotBefore().toInstant()))
                .bind("na", Database.utc(certificate.getNotAfter().toInstant()))
                .bind("for", issuedFor.name())
                .bind("account", accountId.orElse(null))
                .bind("chain", chainId.orElse(null))
                .bind("sha", CertificateCodec.sha256Hex(certificate))
                .bind("at", Database.utc(at))
                .execute();
    }

    public Optional<IssuedCertificate> find(Handle h, String issuerSha256, String serial) {
        return h.createQuery("SELECT " + COLUMNS + " FROM issued_certificates WHERE issuer_sha256 = :i AND serial = :s")
                .bind("i", issuerSha256)
                .bind("s", serial)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** The certificates of a serial under any of the CA's issuers (a serial is random: one, in practice). */
    public List<IssuedCertificate> bySerial(Handle h, String serial) {
        return h.createQuery("SELECT " + COLUMNS + " FROM issued_certificates WHERE serial = :s ORDER BY issuer_sha256")
                .bind("s", serial)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    public Optional<IssuedCertificate> ofChain(Handle h, String chainId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM issued_certificates WHERE chain_id = :c")
                .bind("c", chainId)
                .map((rs, ctx) -> row(rs))
                .findFirst();
    }

    /**
     * An account's certificates of one kind, newest first, {@code limit} after the one issued at
     * {@code before} (paging by issuance, then serial).
     */
    public List<IssuedCertificate> ofAccount(
            Handle h, String accountId, java.util.Set<IssuedFor> kinds, Optional<Cursor> before, int limit) {
        return h.createQuery("SELECT " + COLUMNS
                        + " FROM issued_certificates WHERE account_id = :a AND issued_for IN (<f>)"
                        + (before.isPresent() ? " AND (issued_at < :at OR (issued_at = :at AND serial < :s))" : "")
                        + " ORDER BY issued_at DESC, serial DESC LIMIT :n")
                .bind("a", accountId)
                .bindList("f", kinds.stream().map(Enum::name).sorted().toList())
                .bind("at", before.map(c -> Database.utc(c.issuedAt())).orElse(null))
                .bind("s", before.map(Cursor::serial).orElse(null))
                .bind("n", limit)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    /** Where a page of {@link #ofAccount} ends: the last certificate's issuance and serial. */
    public record Cursor(Instant issuedAt, String serial) {}

    /** How many of the account's certificates of one kind are in force at {@code now} (neither ended nor revoked). */
    public int countInForce(Handle h, String accountId, IssuedFor issuedFor, Instant now) {
        return h.createQuery("SELECT COUNT(*) FROM issued_certificates WHERE account_id = :a AND issued_for = :f"
                        + " AND not_after > :now AND revoked_at IS NULL")
                .bind("a", accountId)
                .bind("f", issuedFor.name())
                .bind("now", Database.utc(now))
                .mapTo(Integer.class)
                .one();
    }

    /** The certificate itself, where it was kept ({@link IssuedFor#SIGNED_REQUEST}). */
    public Optional<byte[]> der(Handle h, String issuerSha256, String serial) {
        return h.createQuery(
                        "SELECT der FROM issued_certificates WHERE issuer_sha256 = :i AND serial = :s AND der IS NOT NULL")
                .bind("i", issuerSha256)
                .bind("s", serial)
                .mapTo(byte[].class)
                .findOne();
    }

    /** Revocations of the account's chains, by chain id. */
    public Map<String, IssuedCertificate.Revoked> revokedChainsOf(Handle h, String accountId) {
        return h
                .createQuery(
                        "SELECT chain_id, revoked_at, revocation_reason FROM issued_certificates WHERE account_id = :a"
                                + " AND chain_id IS NOT NULL AND revoked_at IS NOT NULL")
                .bind("a", accountId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), revoked(rs, 2)))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a));
    }

    /**
     * Marks it revoked and counts the revocation for its issuer's CRL; false when it already was
     * (the first revocation stands).
     */
    public boolean revoke(Handle h, String issuerSha256, String serial, Instant at, RevocationReason reason) {
        boolean revoked = h.createUpdate(
                                "UPDATE issued_certificates SET revoked_at = :at, revocation_reason = :r WHERE issuer_sha256 = :i AND serial = :s"
                                        + " AND revoked_at IS NULL")
                        .bind("at", Database.utc(at))
                        .bind("r", reason.name())
                        .bind("i", issuerSha256)
                        .bind("s", serial)
                        .execute()
                == 1;
        if (revoked) {
            new PublicationStore().countRevocation(h, issuerSha256);
        }
        return revoked;
    }

    /** Revoked certificates, newest revocation first, {@code limit} after the one revoked at {@code before} (paging). */
    public List<IssuedCertificate> revoked(Handle h, Optional<Instant> before, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM issued_certificates WHERE revoked_at IS NOT NULL"
                        + (before.isPresent() ? " AND revoked_at < :before" : "")
                        + " ORDER BY revoked_at DESC, serial LIMIT :limit")
                .bind("before", before.map(Database::utc).orElse(null))
                .bind("limit", limit)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    private static IssuedCertificate.Revoked revoked(ResultSet rs, int column) throws SQLException {
        return new IssuedCertificate.Revoked(
                Database.instant(rs, column), RevocationReason.valueOf(rs.getString(column + 1)));
    }

    private static IssuedCertificate row(ResultSet rs) throws SQLException {
        String names = rs.getString("dns_names");
        return new IssuedCertificate(
                rs.getString("issuer_sha256"),
                rs.getString("serial"),
                rs.getString("subject"),
                names.isEmpty() ? List.of() : Arrays.asList(names.split(",")),
                Database.instant(rs, rs.findColumn("not_before")),
                Database.instant(rs, rs.findColumn("not_after")),
                IssuedFor.valueOf(rs.getString("issued_for")),
                Optional.ofNullable(rs.getString("account_id")),
                Optional.ofNullable(rs.getString("chain_id")),
                rs.getString("sha256"),
                Database.instant(rs, rs.findColumn("issued_at")),
                rs.getObject("revoked_at") == null
                        ? Optional.empty()
                        : Optional.of(revoked(rs, rs.findColumn("revoked_at"))));
    }
}
