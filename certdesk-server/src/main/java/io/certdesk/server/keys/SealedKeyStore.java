package io.certdesk.server.keys;

import io.certdesk.pki.seal.SealedKey;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for sealed private keys. Only ciphertext and wrapped data keys ever reach this table. */
public final class SealedKeyStore {
    /** A sealed key with its row id and JCA algorithm. */
    public record Row(String id, String algorithm, SealedKey sealed) {}

    /** Stores a sealed key; {@code accountId} null for the platform's own keys. */
    public void insert(Handle h, String id, String accountId, String algorithm, SealedKey sealed, Instant at) {
        h.createUpdate(
                        "INSERT INTO sealed_keys (id, account_id, master_key_id, wrapped_data_key, ciphertext, key_algorithm, created_at) "
                                + "VALUES (:id, :account, :mk, :wrapped, :ct, :alg, :at)")
                .bind("id", id)
                .bind("account", accountId)
                .bind("mk", sealed.masterKeyId())
                .bind("wrapped", sealed.wrappedDataKey())
                .bind("ct", sealed.ciphertext())
                .bind("alg", algorithm)
                .bind("at", Database.utc(at))
                .execute();
    }

    public Optional<Row> find(Handle h, String id) {
        return h.createQuery(
                        "SELECT id, key_algorithm, master_key_id, wrapped_data_key, ciphertext FROM sealed_keys WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** Every sealed key, locked for update so a concurrent writer waits for a re-key to finish. */
    public List<Row> allForUpdate(Handle h) {
        return h.createQuery(
                        "SELECT id, key_algorithm, master_key_id, wrapped_data_key, ciphertext FROM sealed_keys ORDER BY id FOR UPDATE")
                .map((rs, ctx) -> row(rs))
                .list();
    }

    /** Every sealed key, read only (a restore's check that its master key opens them). */
    public List<Row> all(Handle h) {
        return h.createQuery(
                        "SELECT id, key_algorithm, master_key_id, wrapped_data_key, ciphertext FROM sealed_keys ORDER BY id")
                .map((rs, ctx) -> row(rs))
                .list();
    }

    /** The distinct master key ids in use. */
    public List<String> masterKeyIds(Handle h) {
        return h.createQuery("SELECT DISTINCT master_key_id FROM sealed_keys ORDER BY master_key_id")
                .mapTo(String.class)
                .list();
    }

    public void updateWrapping(Handle h, String id, SealedKey sealed) {
        h.createUpdate("UPDATE sealed_keys SET master_key_id = :mk, wrapped_data_key = :wrapped WHERE id = :id")
                .bind("id", id)
                .bind("mk", sealed.masterKeyId())
                .bind("wrapped", sealed.wrappedDataKey())
                .execute();
    }

    public static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getString("id"),
                rs.getString("key_algorithm"),
                new SealedKey(
                        rs.getString("master_key_id"), rs.getBytes("wrapped_data_key"), rs.getBytes("ciphertext")));
    }
}
