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
    static final String REVOKED_CHAINS =
            "SELECT chain_id FROM issued_certificates WHERE chain_id IS NOT NULL AND revoked_at IS NOT NULL";

    private static final String TLS_CHAINS = "SELECT id FROM private_chains WHERE purposes LIKE '%TLS_SERVER%'";

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
        h.createQuery("SELECT chain_id, name FROM private_chain_names WHERE chain_id IN (" + TLS_CHAINS
                        + ") ORDER BY name")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                .forEach(e -> names.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        Map<String, List<byte[]>> certificates = new HashMap<>();
        h.createQuery("SELECT chain_id, der FROM private_chain_certificates WHERE chain_id IN (" + TLS_CHAINS
                        + ") ORDER BY chain_id, position")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getBytes(2)))
                .forEach(e -> certificates
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        Map<String, SealedKeyStore.Row> keys = new HashMap<>();
        h.createQuery(
                        "SELECT id, key_algorithm, master_key_id, wrapped_data_key, ciphertext FROM sealed_keys WHERE id IN "
                                + "(SELECT key_id FROM private_chains WHERE purposes LIKE '%TLS_SERVER%')")
                .map((rs, ctx) -> SealedKeyStore.row(rs))
                .forEach(row -> keys.put(row.id(), row));
        List<ChainRow> out = new ArrayList<>();
        h.createQuery("SELECT " + ChainStore.COLUMNS + " FROM private_chains WHERE purposes LIKE '%TLS_SERVER%'"
                        + " AND id NOT IN (" + REVOKED_CHAINS + ") AND id NOT IN ("
                        + io.certdesk.server.chains.IssuerRevocationStore.REVOKED_CHAINS + ")")
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
