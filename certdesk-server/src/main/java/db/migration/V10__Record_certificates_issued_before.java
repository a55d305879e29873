package db.migration;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Records in {@code issued_certificates} what the platform CA signed before the table existed:
 * the leaves of generated chains (their issuer is the chain's next certificate), the nodes'
 * server certificates and the issuing CAs (their issuer found by signature among the CA's
 * certificates). One transaction with the schema change, on H2 and PostgreSQL alike.
 */
public class V10__Record_certificates_issued_before extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<X509Certificate> cas = new ArrayList<>();
        X509Certificate root = null;
        try (ResultSet rs =
                c.createStatement().executeQuery("SELECT root_der, issuing_der, ec_issuing_der FROM platform_ca")) {
            while (rs.next()) {
                root = read(x509, rs.getBytes(1));
                cas.add(root);
                for (int i = 2; i <= 3; i++) {
                    byte[] der = rs.getBytes(i);
                    if (der != null) {
                        X509Certificate issuing = read(x509, der);
                        cas.add(issuing);
                        insert(c, issuing, root, "ISSUING_CA", null, null);
                    }
                }
            }
        }
        try (ResultSet rs = c.createStatement()
                .executeQuery("SELECT p.id, p.account_id, p.purposes, l.der, i.der FROM private_chains p"
                        + " JOIN private_chain_certificates l ON l.chain_id = p.id AND l.position = 0"
                        + " JOIN private_chain_certificates i ON i.chain_id = p.id AND i.position = 1"
                        + " WHERE p.origin = 'GENERATED'")) {
            while (rs.next()) {
                String purposes = rs.getString(3);
                insert(
                        c,
                        read(x509, rs.getBytes(4)),
                        read(x509, rs.getBytes(5)),
                        purposes.contains("TLS_SERVER") ? "TLS_SERVER" : "TOKEN_SIGNING",
                        rs.getString(2),
                        rs.getString(1));
            }
        }
        try (ResultSet rs = c.createStatement().executeQuery("SELECT leaf_der FROM server_certificates")) {
            while (rs.next()) {
                X509Certificate leaf = read(x509, rs.getBytes(1));
                for (X509Certificate ca : cas) {
                    if (signedBy(leaf, ca)) {
                        insert(c, leaf, ca, "NODE_SERVER", null, null);
                        break;
                    }
                }
            }
        }
    }

    private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
        try {
            leaf.verify(ca.getPublicKey());
            return leaf.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
        } catch (Exception e) {
            return false;
        }
    }

    private static X509Certificate read(CertificateFactory x509, byte[] der) throws Exception {
        return (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der));
    }

    private static void insert(
            Connection c,
            X509Certificate cert,
            X509Certificate issuer,
            String issuedFor,
            String accountId,
            String chainId)
            throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO issued_certificates (issuer_sha256, serial, subject, dns_names, not_before,"
                        + " not_after, issued_for, account_id, chain_id, sha256, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, sha256(issuer.getEncoded()));
            s.setString(2, cert.getSerialNumber().toString(16));
            s.setString(3, cert.getSubjectX500Principal().getName());
            s.setString(4, String.join(",", dnsNames(cert)));
            s.setObject(5, OffsetDateTime.ofInstant(cert.getNotBefore().toInstant(), ZoneOffset.UTC));
            s.setObject(6, OffsetDateTime.ofInstant(cert.getNotAfter().toInstant(), ZoneOffset.UTC));
            s.setString(7, issuedFor);
            s.setString(8, accountId);
            s.setString(9, chainId);
            s.setString(10, sha256(cert.getEncoded()));
            s.setObject(11, OffsetDateTime.ofInstant(cert.getNotBefore().toInstant(), ZoneOffset.UTC));
            s.executeUpdate();
        }
    }

    private static List<String> dnsNames(X509Certificate cert) throws Exception {
        List<String> names = new ArrayList<>();
        if (cert.getSubjectAlternativeNames() != null) {
            for (List<?> name : cert.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(name.get(0))) {
                    names.add(String.valueOf(name.get(1)));
                }
            }
        }
        return names;
    }

    private static String sha256(byte[] der) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }
}
