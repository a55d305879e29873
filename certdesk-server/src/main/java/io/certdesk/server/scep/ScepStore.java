package io.certdesk.server.scep;

import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.server.scep.ScepRecords.ForeignNames;
import io.certdesk.server.scep.ScepRecords.PasswordKind;
import io.certdesk.server.scep.ScepRecords.RequestKind;
import io.certdesk.server.scep.ScepRecords.RequestStatus;
import io.certdesk.server.scep.ScepRecords.ScepPassword;
import io.certdesk.server.scep.ScepRecords.ScepSettings;
import io.certdesk.server.scep.ScepRecords.ScepTransaction;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SCEP's tables: settings, challenge passwords, device requests, the registration authority. */
public final class ScepStore {
    // ---- settings ----
    ScepSettings settings(Handle h, String accountId) {
        return h.createQuery(
                        "SELECT enabled, profile, validity_days, foreign_names FROM scep_settings WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> new ScepSettings(
                        rs.getBoolean("enabled"),
                        DeviceProfile.valueOf(rs.getString("profile")),
                        rs.getInt("validity_days"),
                        ForeignNames.valueOf(rs.getString("foreign_names"))))
                .findOne()
                .orElse(ScepSettings.DEFAULT);
    }

    void saveSettings(Handle h, String accountId, ScepSettings s, Instant at) {
        int updated = h.createUpdate("UPDATE scep_settings SET enabled = :e, profile = :p, validity_days = :v,"
                        + " foreign_names = :f, updated_at = :at WHERE account_id = :a")
                .bind("a", accountId)
                .bind("e", s.enabled())
                .bind("p", s.profile().name())
                .bind("v", s.validityDays())
                .bind("f", s.foreignNames().name())
                .bind("at", Database.utc(at))
                .execute();
        if (updated == 0) {
            h.createUpdate("INSERT INTO scep_settings (account_id, enabled, profile, validity_days, foreign_names,"
                            + " updated_at) VALUES (:a, :e, :p, :v, :f, :at)")
                    .bind("a", accountId)
                    .bind("e", s.enabled())
                    .bind("p", s.profile().name())
                    .bind("v", s.validityDays())
                    .bind("f", s.foreignNames().name())
                    .bind("at", Database.utc(at))
                    .execute();
        }
    }

    // ---- passwords ----
    private static final String PASSWORD = "id, account_id, kind, label, created_by, created_at, expires_at, used_at";

    void insertPassword(Handle h, ScepPassword p, String secretHash) {
        h.createUpdate("INSERT INTO scep_passwords (id, account_id, kind, secret_hash, label, created_by, created_at,"
                        + " expires_at) VALUES (:id, :a, :k, :s, :l, :by, :at, :exp)")
                .bind("id", p.id())
                .bind("a", p.accountId())
                .bind("k", p.kind().name())
                .bind("s", secretHash)
                .bind("l", p.label().orElse(null))
                .bind("by", p.createdBy())
                .bind("at", Database.utc(p.createdAt()))
                .bind("exp", p.expiresAt().map(Database::utc).orElse(null))
                .execute();
    }

    List<ScepPassword> passwordsOf(Handle h, String accountId) {
        return h.createQuery("SELECT " + PASSWORD + " FROM scep_passwords WHERE account_id = :a"
                        + " ORDER BY created_at DESC, id")
                .bind("a", accountId)
                .map((rs, ctx) -> password(rs))
                .list();
    }

    int countUnusedOneTime(Handle h, String accountId, Instant now) {
        return h.createQuery("SELECT COUNT(*) FROM scep_passwords WHERE account_id = :a AND kind = 'ONE_TIME'"
                        + " AND used_at IS NULL AND expires_at > :now")
                .bind("a", accountId)
                .bind("now", Database.utc(now))
                .mapTo(Integer.class)
                .one();
    }

    Optional<ScepPassword> passwordBySecret(Handle h, String secretHash) {
        return h.createQuery("SELECT " + PASSWORD + " FROM scep_passwords WHERE secret_hash = :s")
                .bind("s", secretHash)
                .map((rs, ctx) -> password(rs))
                .findOne();
    }

    /** Marks a one-time password used; false when another request used it first. */
    boolean usePassword(Handle h, String id, Instant at) {
        return h.createUpdate("UPDATE scep_passwords SET used_at = :at WHERE id = :id AND used_at IS NULL")
                        .bind("id", id)
                        .bind("at", Database.utc(at))
                        .execute()
                == 1;
    }

    boolean deletePassword(Handle h, String accountId, String id) {
        return h.createUpdate("DELETE FROM scep_passwords WHERE account_id = :a AND id = :id")
                        .bind("a", accountId)
                        .bind("id", id)
                        .execute()
                == 1;
    }

    int deleteStatic(Handle h, String accountId) {
        return h.createUpdate("DELETE FROM scep_passwords WHERE account_id = :a AND kind = 'STATIC'")
                .bind("a", accountId)
                .execute();
    }

    /** Forgets the account's one-time passwords that ended (spent or expired) before {@code before}. */
    int pruneOneTime(Handle h, String accountId, Instant before) {
        return h.createUpdate("DELETE FROM scep_passwords WHERE account_id = :a AND kind = 'ONE_TIME'"
                        + " AND (used_at < :b OR expires_at < :b)")
                .bind("a", accountId)
                .bind("b", Database.utc(before))
                .execute();
    }

    private static ScepPassword password(ResultSet rs) throws SQLException {
        return new ScepPassword(
                rs.getString("id"),
                rs.getString("account_id"),
                PasswordKind.valueOf(rs.getString("kind")),
                Optional.ofNullable(rs.getString("label")),
                rs.getString("created_by"),
                Database.instant(rs, rs.findColumn("created_at")),
                Optional.ofNullable(Database.instant(rs, rs.findColumn("expires_at"))),
                Optional.ofNullable(Database.instant(rs, rs.findColumn("used_at"))));
    }

    // ---- requests ----
    private static final String REQUEST = "id, account_id, transaction_id, message_type, status, subject, dns_names,"
            + " csr_der, signer_sha256, issuer_sha256, serial, reason, created_at, decided_at, decided_by";

    void insertRequest(Handle h, ScepTransaction t, byte[] signerDer) {
        h.createUpdate("INSERT INTO scep_requests (" + REQUEST + ", signer_der) VALUES (:id, :a, :tx, :type, :status,"
                        + " :subject, :names, :csr, :signer, :issuer, :serial, :reason, :at, :decidedAt, :decidedBy,"
                        + " :signerDer)")
                .bind("id", t.id())
                .bind("a", t.accountId())
                .bind("tx", t.transactionId())
                .bind("type", t.kind().name())
                .bind("status", t.status().name())
                .bind("subject", t.subject())
                .bind("names", String.join(",", t.dnsNames()))
                .bind("csr", t.csrDer())
                .bind("signer", t.signerSha256())
                .bind("issuer", t.issuerSha256().orElse(null))
                .bind("serial", t.serial().orElse(null))
                .bind("reason", t.reason().orElse(null))
                .bind("at", Database.utc(t.createdAt()))
                .bind("decidedAt", t.decidedAt().map(Database::utc).orElse(null))
                .bind("decidedBy", t.decidedBy().orElse(null))
                .bind("signerDer", signerDer)
                .execute();
    }

    /** A transaction as sent before: its ID, by the same certificate, to the same account. */
    Optional<ScepTransaction> request(Handle h, String accountId, String transactionId, String signerSha256) {
        return h.createQuery("SELECT " + REQUEST + " FROM scep_requests WHERE transaction_id = :tx"
                        + " AND signer_sha256 = :s AND account_id = :a")
                .bind("a", accountId)
                .bind("tx", transactionId)
                .bind("s", signerSha256)
                .map((rs, ctx) -> request(rs))
                .findOne();
    }

    Optional<ScepTransaction> requestById(Handle h, String accountId, String id, boolean lock) {
        return h.createQuery("SELECT " + REQUEST + " FROM scep_requests WHERE account_id = :a AND id = :id"
                        + (lock ? " FOR UPDATE" : ""))
                .bind("a", accountId)
                .bind("id", id)
                .map((rs, ctx) -> request(rs))
                .findOne();
    }

    /** The request a poll asks about: its transaction ID, sent by the same certificate. */
    List<ScepTransaction> polled(Handle h, String transactionId, String signerSha256) {
        return h.createQuery("SELECT " + REQUEST + " FROM scep_requests WHERE transaction_id = :tx"
                        + " AND signer_sha256 = :s")
                .bind("tx", transactionId)
                .bind("s", signerSha256)
                .map((rs, ctx) -> request(rs))
                .list();
    }

    List<ScepTransaction> requestsOf(Handle h, String accountId, Optional<RequestStatus> status, int limit) {
        return h.createQuery("SELECT " + REQUEST + " FROM scep_requests WHERE account_id = :a"
                        + (status.isPresent() ? " AND status = :status" : "")
                        + " ORDER BY created_at DESC, id LIMIT :n")
                .bind("a", accountId)
                .bind("status", status.map(Enum::name).orElse(null))
                .bind("n", limit)
                .map((rs, ctx) -> request(rs))
                .list();
    }

    int countPending(Handle h, String accountId) {
        return h.createQuery("SELECT COUNT(*) FROM scep_requests WHERE account_id = :a AND status = 'PENDING'")
                .bind("a", accountId)
                .mapTo(Integer.class)
                .one();
    }

    /** Decides a pending request; false when it was decided already. */
    boolean decide(
            Handle h,
            String id,
            RequestStatus status,
            Optional<String> issuerSha256,
            Optional<String> serial,
            Optional<String> reason,
            String by,
            Instant at) {
        return h.createUpdate(
                                "UPDATE scep_requests SET status = :status, issuer_sha256 = :issuer, serial = :serial,"
                                        + " reason = :reason, decided_by = :by, decided_at = :at WHERE id = :id AND status = 'PENDING'")
                        .bind("id", id)
                        .bind("status", status.name())
                        .bind("issuer", issuerSha256.orElse(null))
                        .bind("serial", serial.orElse(null))
                        .bind("reason", reason.orElse(null))
                        .bind("by", by)
                        .bind("at", Database.utc(at))
                        .execute()
                == 1;
    }

    private static ScepTransaction request(ResultSet rs) throws SQLException {
        String names = rs.getString("dns_names");
        return new ScepTransaction(
                rs.getString("id"),
                rs.getString("account_id"),
                rs.getString("transaction_id"),
                RequestKind.valueOf(rs.getString("message_type")),
                RequestStatus.valueOf(rs.getString("status")),
                rs.getString("subject"),
                names.isEmpty() ? List.of() : Arrays.asList(names.split(",")),
                rs.getBytes("csr_der"),
                rs.getString("signer_sha256"),
                Optional.ofNullable(rs.getString("issuer_sha256")),
                Optional.ofNullable(rs.getString("serial")),
                Optional.ofNullable(rs.getString("reason")),
                Database.instant(rs, rs.findColumn("created_at")),
                Optional.ofNullable(Database.instant(rs, rs.findColumn("decided_at"))),
                Optional.ofNullable(rs.getString("decided_by")));
    }

    // ---- registration authority ----
    record RaRow(String id, byte[] certificateDer, String keyId, Instant notAfter, Instant createdAt) {}

    /** The RAs still in force, newest first. */
    List<RaRow> ras(Handle h, Instant now) {
        return h.createQuery("SELECT id, certificate_der, key_id, not_after, created_at FROM scep_ras"
                        + " WHERE not_after > :now ORDER BY created_at DESC, id")
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> new RaRow(
                        rs.getString("id"),
                        rs.getBytes("certificate_der"),
                        rs.getString("key_id"),
                        Database.instant(rs, rs.findColumn("not_after")),
                        Database.instant(rs, rs.findColumn("created_at"))))
                .list();
    }

    void insertRa(Handle h, RaRow row) {
        h.createUpdate("INSERT INTO scep_ras (id, certificate_der, key_id, not_after, created_at)"
                        + " VALUES (:id, :der, :k, :na, :at)")
                .bind("id", row.id())
                .bind("der", row.certificateDer())
                .bind("k", row.keyId())
                .bind("na", Database.utc(row.notAfter()))
                .bind("at", Database.utc(row.createdAt()))
                .execute();
    }
}
