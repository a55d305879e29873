package db.migration;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The lifecycle of chains: each account's renewal and expiry-notice settings, each generated
 * chain's renewal (when it is due, what failed, what it was renewed by), and the end of every
 * certificate of a chain beside its DER, so expiry is found by index rather than by parsing. What
 * was generated before is scheduled as the default settings say (two thirds of its life, 67 %).
 * One transaction with the schema change, on H2 and PostgreSQL alike.
 */
public class V13__Chain_lifecycle extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            schema(s);
        }
        data(c);
    }

    private static void schema(Statement s) throws Exception {
        s.execute(
                "CREATE TABLE lifecycle_settings ("
                        + " account_id VARCHAR(36) PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,"
                        + " auto_renew BOOLEAN NOT NULL,"
                        + " renew_at_percent INTEGER,"
                        + " renew_days_before INTEGER,"
                        + " expiry_notice_days VARCHAR(64) NOT NULL,"
                        + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL,"
                        + " CONSTRAINT lifecycle_settings_when CHECK ((renew_at_percent IS NULL) <> (renew_days_before IS NULL)))");
        // renew_at: the next automatic renewal (or retry); NULL: not renewed automatically (off, renewed, revoked).
        // renewed_at set: superseded by renewed_by (NULL once that one is deleted); retire_at: revoked as
        // superseded from then on (when nothing serves or verifies with it any more).
        s.execute("CREATE TABLE chain_renewals ("
                + " chain_id VARCHAR(36) PRIMARY KEY REFERENCES private_chains (id) ON DELETE CASCADE,"
                + " account_id VARCHAR(36) NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
                + " renew_at TIMESTAMP WITH TIME ZONE,"
                + " failures INTEGER DEFAULT 0 NOT NULL,"
                + " last_error_code VARCHAR(64),"
                + " last_error VARCHAR(2000),"
                + " last_failed_at TIMESTAMP WITH TIME ZONE,"
                + " renewed_from VARCHAR(36),"
                + " renewed_by VARCHAR(36) REFERENCES private_chains (id) ON DELETE SET NULL,"
                + " renewed_at TIMESTAMP WITH TIME ZONE,"
                + " retire_at TIMESTAMP WITH TIME ZONE)");
        s.execute("CREATE INDEX chain_renewals_due_idx ON chain_renewals (renew_at)");
        s.execute("CREATE INDEX chain_renewals_retire_idx ON chain_renewals (retire_at)");
        s.execute("CREATE INDEX chain_renewals_account_idx ON chain_renewals (account_id)");
        s.execute("ALTER TABLE private_chain_certificates ADD COLUMN not_after TIMESTAMP WITH TIME ZONE");
        s.execute("CREATE INDEX trusted_cas_end_idx ON trusted_cas (not_after)");
    }

    private static void data(Connection c) throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        try (ResultSet rs = c.createStatement()
                        .executeQuery("SELECT chain_id, position, der FROM private_chain_certificates");
                PreparedStatement update = c.prepareStatement(
                        "UPDATE private_chain_certificates SET not_after = ? WHERE chain_id = ? AND position = ?")) {
            while (rs.next()) {
                X509Certificate cert =
                        (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(rs.getBytes(3)));
                update.setObject(1, utc(cert.getNotAfter().toInstant()));
                update.setString(2, rs.getString(1));
                update.setInt(3, rs.getInt(2));
                update.addBatch();
            }
            update.executeBatch();
        }
        c.createStatement().execute("ALTER TABLE private_chain_certificates ALTER COLUMN not_after SET NOT NULL");
        c.createStatement()
                .execute("CREATE INDEX private_chain_certificates_end_idx ON private_chain_certificates (not_after)");
        try (ResultSet rs = c.createStatement()
                        .executeQuery("SELECT p.id, p.account_id, p.not_before, p.not_after,"
                                + " (SELECT COUNT(*) FROM issued_certificates i WHERE i.chain_id = p.id AND i.revoked_at IS NOT NULL)"
                                + " FROM private_chains p WHERE p.origin = 'GENERATED'");
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO chain_renewals (chain_id, account_id, renew_at) VALUES (?, ?, ?)")) {
            while (rs.next()) {
                Instant notBefore = rs.getObject(3, OffsetDateTime.class).toInstant();
                Instant notAfter = rs.getObject(4, OffsetDateTime.class).toInstant();
                boolean revoked = rs.getInt(5) > 0;
                insert.setString(1, rs.getString(1));
                insert.setString(2, rs.getString(2));
                insert.setObject(
                        3,
                        revoked
                                ? null
                                : utc(notBefore.plus(Duration.between(notBefore, notAfter)
                                        .multipliedBy(67)
                                        .dividedBy(100))));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
