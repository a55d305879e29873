package io.certdesk.server.expiry;

import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.chains.SigningState;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * SQL for what ends before a given instant, by index on each certificate's end: trusted CAs, and
 * the certificates of chains that are in force (neither revoked nor superseded by a renewal).
 */
public final class ExpiryStore {
    private static final String ITEMS = "SELECT 'TRUSTED_CA' AS kind, t.account_id, t.id AS item_id, 0 AS position,"
            + " t.not_after, t.subject, t.sha256, CAST(NULL AS VARCHAR(16)) AS origin, CAST(NULL AS VARCHAR(64)) AS purposes,"
            + " CAST(NULL AS BYTEA) AS der, CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS renew_at"
            + " FROM trusted_cas t WHERE t.not_after < :until <filter_t>"
            + " UNION ALL"
            + " SELECT CASE WHEN c.position = 0 THEN 'CHAIN' ELSE 'CHAIN_CERTIFICATE' END, p.account_id, p.id, c.position,"
            + " c.not_after, p.subject, p.sha256, p.origin, p.purposes, CASE WHEN c.position = 0 THEN NULL ELSE c.der END,"
            + " r.renew_at"
            + " FROM private_chain_certificates c JOIN private_chains p ON p.id = c.chain_id"
            + " LEFT JOIN chain_renewals r ON r.chain_id = p.id"
            + " WHERE c.not_after < :until <filter_p> AND r.renewed_at IS NULL"
            + " AND (c.position = 0 OR c.not_after < p.not_after)"
            + " AND NOT EXISTS (SELECT 1 FROM issued_certificates i WHERE i.chain_id = p.id AND i.revoked_at IS NOT NULL)"
            + " AND NOT EXISTS (SELECT 1 FROM issuer_revocations x WHERE x.chain_id = p.id)"
            + " UNION ALL"
            // a certificate for a key held elsewhere (a device's, an ACME client's), in force until a newer one of
            // the same kind for the same names replaces it
            + " SELECT i.issued_for, i.account_id, i.serial, 0, i.not_after, i.subject, i.sha256,"
            + " CAST(NULL AS VARCHAR(16)), CAST(NULL AS VARCHAR(64)), CAST(NULL AS BYTEA),"
            + " CAST(NULL AS TIMESTAMP WITH TIME ZONE)"
            + " FROM issued_certificates i WHERE i.issued_for IN ('SIGNED_REQUEST', 'ACME', 'SCEP', 'EST') AND i.not_after < :until <filter_i>"
            + " AND i.revoked_at IS NULL"
            + " AND NOT EXISTS (SELECT 1 FROM issued_certificates n WHERE n.account_id = i.account_id"
            + " AND n.issued_for = i.issued_for AND n.dns_names = i.dns_names AND n.issued_at > i.issued_at"
            + " AND n.revoked_at IS NULL)";

    /** Everything of one account ending before {@code until}, soonest first. */
    public List<ExpiringItem> ofAccount(Handle h, String accountId, Instant until) {
        return h.createQuery("SELECT * FROM (" + ITEMS + ") x ORDER BY x.not_after, x.item_id, x.position")
                .define("filter_t", "AND t.account_id = :a")
                .define("filter_p", "AND p.account_id = :a")
                .define("filter_i", "AND i.account_id = :a")
                .bind("a", accountId)
                .bind("until", Database.utc(until))
                .map((rs, ctx) -> row(rs))
                .list();
    }

    /** A page of everything of every account ending before {@code until}, after the cursor's item. */
    public List<ExpiringItem> page(Handle h, Instant until, Optional<Cursor> after, int limit) {
        var query = h.createQuery("SELECT * FROM (" + ITEMS + ") x"
                        + after.map(c -> c.platform()
                                        ? " WHERE x.not_after >= :an" // the accounts' come after the platform's at one
                                        // end
                                        : " WHERE x.not_after > :an OR (x.not_after = :an AND (x.item_id > :ai"
                                                + " OR (x.item_id = :ai AND x.position > :ap)))")
                                .orElse("")
                        + " ORDER BY x.not_after, x.item_id, x.position LIMIT :n")
                .define("filter_t", "")
                .define("filter_p", "")
                .define("filter_i", "")
                .bind("until", Database.utc(until))
                .bind("n", limit);
        after.ifPresent(c -> {
            query.bind("an", Database.utc(c.notAfter()));
            if (!c.platform()) {
                query.bind("ai", c.id()).bind("ap", c.position());
            }
        });
        return query.map((rs, ctx) -> row(rs)).list();
    }

    /** What ends before {@code until} and has no expiry notice row yet, soonest first. */
    public List<ExpiringItem> unnoticed(Handle h, Instant until, int limit) {
        return h.createQuery("SELECT * FROM (" + ITEMS + ") x WHERE NOT EXISTS (SELECT 1 FROM expiry_notices n"
                        + " WHERE n.item_id = x.item_id AND n.position = x.position) ORDER BY x.not_after LIMIT :n")
                .define("filter_t", "")
                .define("filter_p", "")
                .define("filter_i", "")
                .bind("until", Database.utc(until))
                .bind("n", limit)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    /** One item as it is now; empty once it is gone, revoked or superseded. */
    public Optional<ExpiringItem> item(Handle h, String id, int position) {
        return h.createQuery("SELECT * FROM (" + ITEMS + ") x")
                .define("filter_t", "AND t.id = :i AND 0 = :pos")
                .define("filter_p", "AND p.id = :i AND c.position = :pos")
                .define("filter_i", "AND i.serial = :i AND 0 = :pos")
                .bind("until", Database.utc(Instant.parse("9999-12-31T00:00:00Z")))
                .bind("i", id)
                .bind("pos", position)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** A certificate's notice row: the smallest threshold told (0: its end) and when the next is due. */
    public record Notice(
            String itemId,
            int position,
            Optional<String> accountId,
            Optional<Integer> lastThreshold,
            Optional<Instant> next) {}

    public List<Notice> noticesDue(Handle h, Instant now, int limit) {
        return h.createQuery("SELECT item_id, position, account_id, last_threshold, next_notice_at FROM expiry_notices"
                        + " WHERE next_notice_at BETWEEN :floor AND :now ORDER BY next_notice_at LIMIT :n")
                .bind("floor", Database.utc(Instant.EPOCH))
                .bind("now", Database.utc(now))
                .bind("n", limit)
                .map((rs, ctx) -> notice(rs))
                .list();
    }

    public Optional<Notice> lockNotice(Handle h, String itemId, int position, Instant now) {
        return h.createQuery("SELECT item_id, position, account_id, last_threshold, next_notice_at FROM expiry_notices"
                        + " WHERE item_id = :i AND position = :p AND next_notice_at <= :now FOR UPDATE SKIP LOCKED")
                .bind("i", itemId)
                .bind("p", position)
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> notice(rs))
                .findOne();
    }

    public boolean hasNotice(Handle h, String itemId, int position) {
        return h.createQuery("SELECT COUNT(*) FROM expiry_notices WHERE item_id = :i AND position = :p")
                        .bind("i", itemId)
                        .bind("p", position)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    public void insertNotice(Handle h, ExpiringItem item, Optional<Integer> last, Optional<Instant> next) {
        h.createUpdate(
                        "INSERT INTO expiry_notices (item_id, position, account_id, not_after, last_threshold, next_notice_at)"
                                + " VALUES (:i, :p, :a, :na, :last, :next)")
                .bind("i", item.id())
                .bind("p", item.position())
                .bind("a", item.accountId().orElse(null))
                .bind("na", Database.utc(item.notAfter()))
                .bind("last", last.orElse(null))
                .bind("next", next.map(Database::utc).orElse(null))
                .execute();
    }

    public void updateNotice(Handle h, String itemId, int position, Optional<Integer> last, Optional<Instant> next) {
        h.createUpdate(
                        "UPDATE expiry_notices SET last_threshold = :last, next_notice_at = :next WHERE item_id = :i AND position = :p")
                .bind("i", itemId)
                .bind("p", position)
                .bind("last", last.orElse(null))
                .bind("next", next.map(Database::utc).orElse(null))
                .execute();
    }

    public void deleteNotice(Handle h, String itemId, int position) {
        h.createUpdate("DELETE FROM expiry_notices WHERE item_id = :i AND position = :p")
                .bind("i", itemId)
                .bind("p", position)
                .execute();
    }

    /**
     * Forgets the notices of certificates that ended before {@code before} and are gone (a
     * certificate still held keeps its row: its end is never told twice).
     */
    public int pruneNotices(Handle h, Instant before) {
        return h.createUpdate("DELETE FROM expiry_notices WHERE not_after < :before AND account_id IS NOT NULL"
                        + " AND NOT EXISTS (SELECT 1 FROM trusted_cas t WHERE t.id = expiry_notices.item_id)"
                        + " AND NOT EXISTS (SELECT 1 FROM private_chains p WHERE p.id = expiry_notices.item_id)"
                        + " AND NOT EXISTS (SELECT 1 FROM issued_certificates i WHERE i.serial = expiry_notices.item_id"
                        + " AND i.issued_for IN ('SIGNED_REQUEST', 'ACME', 'SCEP', 'EST'))")
                .bind("before", Database.utc(before))
                .execute();
    }

    /** The expiry notice thresholds accounts have chosen (each a comma list), besides the default. */
    public List<String> noticeDaySets(Handle h) {
        return h.createQuery("SELECT DISTINCT expiry_notice_days FROM lifecycle_settings")
                .mapTo(String.class)
                .list();
    }

    /** The soonest end among the certificates of each kind in force (what has ended included). */
    public java.util.Map<ExpiringItem.Kind, Instant> soonestEnds(Handle h) {
        java.util.Map<ExpiringItem.Kind, Instant> out = new java.util.EnumMap<>(ExpiringItem.Kind.class);
        h.createQuery("SELECT MIN(not_after) FROM trusted_cas")
                .map((rs, ctx) -> Optional.ofNullable(Database.instant(rs, 1)))
                .one()
                .ifPresent(at -> out.put(ExpiringItem.Kind.TRUSTED_CA, at));
        h.createQuery("SELECT c.not_after FROM private_chain_certificates c JOIN private_chains p ON p.id = c.chain_id"
                        + " LEFT JOIN chain_renewals r ON r.chain_id = p.id WHERE c.position = 0 AND r.renewed_at IS NULL"
                        + " AND NOT EXISTS (SELECT 1 FROM issued_certificates i WHERE i.chain_id = p.id AND i.revoked_at IS NOT NULL)"
                        + " AND NOT EXISTS (SELECT 1 FROM issuer_revocations x WHERE x.chain_id = p.id)"
                        + " ORDER BY c.not_after LIMIT 1")
                .map((rs, ctx) -> Database.instant(rs, 1))
                .findOne()
                .ifPresent(at -> out.put(ExpiringItem.Kind.CHAIN, at));
        return out;
    }

    private static Notice notice(ResultSet rs) throws SQLException {
        return new Notice(
                rs.getString(1),
                rs.getInt(2),
                Optional.ofNullable(rs.getString(3)),
                Optional.ofNullable((Integer) rs.getObject(4, Integer.class)),
                Optional.ofNullable(Database.instant(rs, 5)));
    }

    /** Where a page ends: the last item's end, id and position, and whether it was one of the platform's own. */
    public record Cursor(boolean platform, Instant notAfter, String id, int position) {}

    /** How many of each kind end before each instant, for the metrics (one query per instant). */
    public java.util.Map<ExpiringItem.Kind, Long> countsBefore(Handle h, Instant until) {
        java.util.Map<ExpiringItem.Kind, Long> out = new java.util.EnumMap<>(ExpiringItem.Kind.class);
        h.createQuery("SELECT x.kind, COUNT(*) FROM (" + ITEMS + ") x GROUP BY x.kind")
                .define("filter_t", "")
                .define("filter_p", "")
                .define("filter_i", "")
                .bind("until", Database.utc(until))
                .map((rs, ctx) -> java.util.Map.entry(ExpiringItem.Kind.valueOf(rs.getString(1)), rs.getLong(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The items with what depends on each chain among them now: the domains it serves, its signing role. */
    public List<ExpiringItem> withDependents(Handle h, List<ExpiringItem> items, Instant now) {
        List<String> chainIds = items.stream()
                .filter(ExpiryStore::isChain)
                .map(ExpiringItem::id)
                .distinct()
                .toList();
        java.util.Map<String, List<String>> bindings = bindings(h, chainIds);
        java.util.Map<String, String> roles = signingRoles(h, chainIds, now);
        return items.stream()
                .map(i -> isChain(i)
                        ? i.withDependents(
                                bindings.getOrDefault(i.id(), List.of()), Optional.ofNullable(roles.get(i.id())))
                        : i)
                .toList();
    }

    private static boolean isChain(ExpiringItem item) {
        return item.kind() == ExpiringItem.Kind.CHAIN || item.kind() == ExpiringItem.Kind.CHAIN_CERTIFICATE;
    }

    /** Domain names served by each of these chains (its TLS bindings), by chain id. */
    public java.util.Map<String, List<String>> bindings(Handle h, java.util.Collection<String> chainIds) {
        java.util.Map<String, List<String>> out = new java.util.HashMap<>();
        if (chainIds.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT chain_id, domain FROM tls_bindings WHERE chain_id IN (<ids>) ORDER BY domain")
                .bindList("ids", List.copyOf(chainIds))
                .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>())
                        .add(e.getValue()));
        return out;
    }

    /** The signing role (ACTIVE, NEXT, PASSIVE) at {@code now} of each of these chains that has one, by chain id. */
    public java.util.Map<String, String> signingRoles(Handle h, java.util.Collection<String> chainIds, Instant now) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        if (chainIds.isEmpty()) {
            return out;
        }
        h.createQuery("SELECT chain_id FROM passive_signing_keys WHERE chain_id IN (<ids>) AND passive_until > :now")
                .bindList("ids", List.copyOf(chainIds))
                .bind("now", Database.utc(now))
                .mapTo(String.class)
                .forEach(id -> out.put(id, "PASSIVE"));
        // the settings that name one of the chains (each column by its index), read as the token signer reads them
        h.createQuery("SELECT signing_chain_id, next_signing_chain_id, next_activate_at FROM pki_settings"
                        + " WHERE signing_chain_id IN (<ids>) UNION SELECT signing_chain_id, next_signing_chain_id,"
                        + " next_activate_at FROM pki_settings WHERE next_signing_chain_id IN (<ids>)")
                .bindList("ids", List.copyOf(chainIds))
                .map((rs, ctx) -> new SigningState(
                        Optional.ofNullable(rs.getString(1)),
                        Optional.ofNullable(rs.getString(2)),
                        Optional.ofNullable(Database.instant(rs, 3)),
                        SigningState.DEFAULT_LIFETIME,
                        SigningState.DEFAULT_LIFETIME,
                        Optional.empty()))
                .forEach(state -> {
                    state.signingAt(now).ifPresent(id -> out.put(id, "ACTIVE"));
                    state.pendingAt(now).ifPresent(id -> out.put(id, "NEXT"));
                });
        return out;
    }

    /** The platform's own certificates: its CAs ({@code cas}), then each node's server certificate. */
    public List<ExpiringItem> platformItems(Handle h, List<java.security.cert.X509Certificate> cas) {
        List<ExpiringItem> out = new java.util.ArrayList<>();
        for (var ca : cas) {
            out.add(ExpiringItem.platformOwn(ExpiringItem.Kind.PLATFORM_CA, ca, List.of()));
        }
        for (java.util.Map.Entry<String, byte[]> server : serverCertificates(h)) {
            out.add(ExpiringItem.platformOwn(
                    ExpiringItem.Kind.NODE_SERVER,
                    CertificateCodec.decodeDer(server.getValue()),
                    List.of(server.getKey())));
        }
        return out;
    }

    /** The nodes' own server certificates (hostname, DER). */
    public List<java.util.Map.Entry<String, byte[]>> serverCertificates(Handle h) {
        return h.createQuery("SELECT hostname, leaf_der FROM server_certificates ORDER BY hostname")
                .map((rs, ctx) -> java.util.Map.entry(rs.getString(1), rs.getBytes(2)))
                .list();
    }

    private static ExpiringItem row(ResultSet rs) throws SQLException {
        ExpiringItem.Kind kind = ExpiringItem.Kind.valueOf(rs.getString("kind"));
        byte[] der = rs.getBytes("der");
        String subject = rs.getString("subject");
        String sha256 = rs.getString("sha256");
        if (der != null) { // a certificate above the leaf: its own subject and fingerprint
            var certificate = CertificateCodec.decodeDer(der);
            subject = certificate.getSubjectX500Principal().getName();
            sha256 = CertificateCodec.sha256Hex(certificate);
        }
        String purposes = rs.getString("purposes");
        return new ExpiringItem(
                kind,
                Optional.of(rs.getString("account_id")),
                rs.getString("item_id"),
                rs.getInt("position"),
                subject,
                sha256,
                Database.instant(rs, 5),
                Optional.ofNullable(rs.getString("origin")),
                purposes == null
                        ? List.of()
                        : Arrays.stream(purposes.split(","))
                                .filter(s -> !s.isEmpty())
                                .map(ChainPurpose::valueOf)
                                .map(Enum::name)
                                .toList(),
                List.of(),
                Optional.empty(),
                Optional.ofNullable(Database.instant(rs, 11)));
    }
}
