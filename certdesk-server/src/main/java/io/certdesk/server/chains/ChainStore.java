package io.certdesk.server.chains;

import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.store.Database;
import java.security.cert.X509Certificate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** SQL for private chains, their certificates and names. */
public final class ChainStore {
    /** The columns {@link #row} reads, in order (also for bulk readers such as the TLS index). */
    public static final String COLUMNS =
            "id, account_id, origin, purposes, subject, not_before, not_after, key_algorithm, key_size, "
                    + "sha256, key_id, created_at";

    /** Stores the chain and its certificates (leaf first), each with its end for finding what expires. */
    public void insert(Handle h, PrivateChain chain, List<X509Certificate> certificates) {
        h.createUpdate("INSERT INTO private_chains (" + COLUMNS
                        + ") VALUES (:id, :account, :origin, :purposes, :subject, :nb, :na, "
                        + ":alg, :size, :sha, :key, :at)")
                .bind("id", chain.id())
                .bind("account", chain.accountId())
                .bind("origin", chain.origin().name())
                .bind(
                        "purposes",
                        chain.purposes().stream().map(Enum::name).sorted().collect(Collectors.joining(",")))
                .bind("subject", chain.subject())
                .bind("nb", Database.utc(chain.notBefore()))
                .bind("na", Database.utc(chain.notAfter()))
                .bind("alg", chain.keyAlgorithm())
                .bind("size", chain.keySize())
                .bind("sha", chain.sha256())
                .bind("key", chain.keyId())
                .bind("at", Database.utc(chain.createdAt()))
                .execute();
        var certs = h.prepareBatch(
                "INSERT INTO private_chain_certificates (chain_id, position, der, not_after) VALUES (:c, :p, :der, :na)");
        for (int i = 0; i < certificates.size(); i++) {
            X509Certificate certificate = certificates.get(i);
            certs.bind("c", chain.id())
                    .bind("p", i)
                    .bind("der", CertificateCodec.encodeDer(certificate))
                    .bind("na", Database.utc(certificate.getNotAfter().toInstant()))
                    .add();
        }
        certs.execute();
        if (!chain.dnsNames().isEmpty()) {
            var names = h.prepareBatch("INSERT INTO private_chain_names (chain_id, name) VALUES (:c, :n)");
            for (String name : chain.dnsNames()) {
                names.bind("c", chain.id()).bind("n", name).add();
            }
            names.execute();
        }
    }

    public List<PrivateChain> ofAccount(Handle h, String accountId) {
        return withNames(
                h,
                h.createQuery("SELECT " + COLUMNS
                                + " FROM private_chains WHERE account_id = :a ORDER BY created_at, id")
                        .bind("a", accountId)
                        .map((rs, ctx) -> row(rs))
                        .list());
    }

    public Optional<PrivateChain> find(Handle h, String accountId, String id) {
        return withNames(
                        h,
                        h.createQuery("SELECT " + COLUMNS + " FROM private_chains WHERE account_id = :a AND id = :id")
                                .bind("a", accountId)
                                .bind("id", id)
                                .map((rs, ctx) -> row(rs))
                                .list())
                .stream()
                .findFirst();
    }

    /** A chain of any account (for work the platform does by itself, such as renewals). */
    public Optional<PrivateChain> byId(Handle h, String id) {
        return withNames(
                        h,
                        h.createQuery("SELECT " + COLUMNS + " FROM private_chains WHERE id = :id")
                                .bind("id", id)
                                .map((rs, ctx) -> row(rs))
                                .list())
                .stream()
                .findFirst();
    }

    public int count(Handle h, String accountId) {
        return h.createQuery("SELECT COUNT(*) FROM private_chains WHERE account_id = :a")
                .bind("a", accountId)
                .mapTo(Integer.class)
                .one();
    }

    /** The DER certificates of a chain, leaf first. */
    public List<byte[]> certificates(Handle h, String chainId) {
        return h.createQuery("SELECT der FROM private_chain_certificates WHERE chain_id = :c ORDER BY position")
                .bind("c", chainId)
                .map((rs, ctx) -> rs.getBytes(1))
                .list();
    }

    /** The DER certificates of every chain of an account, leaf first, by chain id: one query for a whole listing. */
    public Map<String, List<byte[]>> certificatesOfAccount(Handle h, String accountId) {
        Map<String, List<byte[]>> out = new LinkedHashMap<>();
        h.createQuery(
                        "SELECT c.chain_id, c.der FROM private_chain_certificates c JOIN private_chains p ON p.id = c.chain_id "
                                + "WHERE p.account_id = :a ORDER BY c.chain_id, c.position")
                .bind("a", accountId)
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBytes(2)))
                .forEach(e ->
                        out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return out;
    }

    /** Deletes the chain and its sealed key. */
    public void delete(Handle h, PrivateChain chain) {
        h.createUpdate("DELETE FROM private_chains WHERE id = :id")
                .bind("id", chain.id())
                .execute();
        h.createUpdate("DELETE FROM sealed_keys WHERE id = :k")
                .bind("k", chain.keyId())
                .execute();
    }

    private List<PrivateChain> withNames(Handle h, List<PrivateChain> chains) {
        if (chains.isEmpty()) {
            return chains;
        }
        Map<String, List<String>> names = new LinkedHashMap<>();
        h.createQuery("SELECT chain_id, name FROM private_chain_names WHERE chain_id IN (<ids>) ORDER BY name")
                .bindList("ids", chains.stream().map(PrivateChain::id).toList())
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> names.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        return chains.stream()
                .map(c -> new PrivateChain(
                        c.id(),
                        c.accountId(),
                        c.origin(),
                        c.purposes(),
                        c.subject(),
                        names.getOrDefault(c.id(), List.of()),
                        c.notBefore(),
                        c.notAfter(),
                        c.keyAlgorithm(),
                        c.keySize(),
                        c.sha256(),
                        c.keyId(),
                        c.createdAt()))
                .toList();
    }

    public static PrivateChain row(ResultSet rs) throws SQLException {
        EnumSet<ChainPurpose> purposes = EnumSet.noneOf(ChainPurpose.class);
        Arrays.stream(rs.getString("purposes").split(","))
                .filter(s -> !s.isEmpty())
                .map(ChainPurpose::valueOf)
                .forEach(purposes::add);
        return new PrivateChain(
                rs.getString("id"),
                rs.getString("account_id"),
                ChainOrigin.valueOf(rs.getString("origin")),
                purposes,
                rs.getString("subject"),
                List.of(),
                rs.getObject("not_before", OffsetDateTime.class).toInstant(),
                rs.getObject("not_after", OffsetDateTime.class).toInstant(),
                rs.getString("key_algorithm"),
                rs.getInt("key_size"),
                rs.getString("sha256"),
                rs.getString("key_id"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
