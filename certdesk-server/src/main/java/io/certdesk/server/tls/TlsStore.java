package io.certdesk.server.tls;

import io.certdesk.server.chains.ChainStore;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.keys.SealedKeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * What the TLS edge serves, for every account at once: a handful of queries whatever the number of
 * accounts, for loading at start-up (per-account reads serve the changes after that).
 */
public final class TlsStore {
    /** Chains the platform CA revoked: never served. */
    // Joins and NOT EXISTS, not IN (subquery): H2 2.4 fails with ArrayIndexOutOfBoundsException
    // when an IN subquery's rows outgrow its in-memory result (MAX_MEMORY_ROWS) and spill to disk,
    // which the TLS_SERVER chains of a platform with 100,000 accounts do.
    private static final String TLS_CHAINS =
            " JOIN private_chains p ON p.id = x.chain_id WHERE p.purposes LIKE '%TLS_SERVER%'";

    /** A TLS_SERVER chain with its certificates (leaf first) and its sealed key. */
    public record ChainRow(PrivateChain chain, List<byte[]> certificates, SealedKeyStore.Row key) {}

    public List<String> accountIds(Handle h) {
        return h.createQuery("SELECT id FROM accounts").mapTo(String.class).list();
    }

    /** Account id → its domains. */
    public Map<String, List<String>> domains(Handle h) {
        Map<String, List<String>> out = new HashMap<>();
        h.createQuery("SELECT account_id, name FROM domains")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e ->
                        out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return out;
    }

    /** Account id → domain → bound chain id. */
    public Map<String, Map<String, String>> bindings(Handle h) {
        Map<String, Map<String, String>> out = new HashMap<>();
        h.createQuery("SELECT account_id, domain, chain_id FROM tls_bindings")
                .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3)))
                .forEach(
                        r -> out.computeIfAbsent(r.get(0), k -> new TreeMap<>()).put(r.get(1), r.get(2)));
        return out;
    }

    /** Every TLS_SERVER chain of every account. */
    public List<ChainRow> tlsChains(Handle h) {
        Map<String, List<String>> names = new HashMap<>();
        h.createQuery("SELECT x.chain_id, x.name FROM private_chain_names x" + TLS_CHAINS + " ORDER BY x.name")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> names.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        Map<String, List<byte[]>> certificates = new HashMap<>();
        h.createQuery("SELECT x.chain_id, x.der FROM private_chain_certificates x" + TLS_CHAINS
                        + " ORDER BY x.chain_id, x.position")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBytes(2)))
                .forEach(e -> certificates
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        Map<String, SealedKeyStore.Row> keys = new HashMap<>();
        h.createQuery(
                        "SELECT k.id, k.key_algorithm, k.master_key_id, k.wrapped_data_key, k.ciphertext FROM sealed_keys k"
                                + " JOIN private_chains p ON p.key_id = k.id WHERE p.purposes LIKE '%TLS_SERVER%'")
                .map((rs, ctx) -> SealedKeyStore.row(rs))
                .forEach(row -> keys.put(row.id(), row));
        List<ChainRow> out = new ArrayList<>();
        h.createQuery("SELECT " + ChainStore.COLUMNS + " FROM private_chains WHERE purposes LIKE '%TLS_SERVER%'"
                        + " AND NOT EXISTS (SELECT 1 FROM issued_certificates i WHERE i.chain_id = private_chains.id"
                        + " AND i.revoked_at IS NOT NULL)"
                        + " AND NOT EXISTS (SELECT 1 FROM issuer_revocations r WHERE r.chain_id = private_chains.id)")
                .map((rs, ctx) -> ChainStore.row(rs))
                .forEach(c -> out.add(new ChainRow(
                        new PrivateChain(
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
                                c.createdAt()),
                        certificates.getOrDefault(c.id(), List.of()),
                        keys.get(c.keyId()))));
        return out;
    }
}
