package io.certdesk.server.token;

import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for API clients and their hashed secrets. */
public final class ApiClientStore {
    private static final String COLUMNS = "client_id, account_id, name, scopes, created_at, secret_set_at";

    public void insert(Handle h, ApiClient client, String secretHash) {
        h.createUpdate("INSERT INTO api_clients (" + COLUMNS
                        + ", secret_hash) VALUES (:id, :account, :name, :scopes, :at, :set, :hash)")
                .bind("id", client.clientId())
                .bind("account", client.accountId())
                .bind("name", client.name())
                .bind("scopes", String.join(" ", client.scopes()))
                .bind("at", Database.utc(client.createdAt()))
                .bind("set", Database.utc(client.secretSetAt()))
                .bind("hash", secretHash)
                .execute();
    }

    public List<ApiClient> ofAccount(Handle h, String accountId) {
        return h.createQuery(
                        "SELECT " + COLUMNS + " FROM api_clients WHERE account_id = :a ORDER BY created_at, client_id")
                .bind("a", accountId)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    public Optional<ApiClient> find(Handle h, String accountId, String clientId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_clients WHERE account_id = :a AND client_id = :c")
                .bind("a", accountId)
                .bind("c", clientId)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** The client with the hash its secret must match. */
    public Optional<Credentials> credentials(Handle h, String accountId, String clientId) {
        return h.createQuery(
                        "SELECT " + COLUMNS + ", secret_hash FROM api_clients WHERE account_id = :a AND client_id = :c")
                .bind("a", accountId)
                .bind("c", clientId)
                .map((rs, ctx) -> new Credentials(row(rs), rs.getString("secret_hash")))
                .findOne();
    }

    public void setSecret(Handle h, String clientId, String secretHash, Instant at) {
        h.createUpdate("UPDATE api_clients SET secret_hash = :hash, secret_set_at = :at WHERE client_id = :c")
                .bind("hash", secretHash)
                .bind("at", Database.utc(at))
                .bind("c", clientId)
                .execute();
    }

    public int count(Handle h, String accountId) {
        return h.createQuery("SELECT COUNT(*) FROM api_clients WHERE account_id = :a")
                .bind("a", accountId)
                .mapTo(Integer.class)
                .one();
    }

    public boolean delete(Handle h, String accountId, String clientId) {
        return h.createUpdate("DELETE FROM api_clients WHERE account_id = :a AND client_id = :c")
                        .bind("a", accountId)
                        .bind("c", clientId)
                        .execute()
                == 1;
    }

    /** A client and its secret's hash. */
    public record Credentials(ApiClient client, String secretHash) {
        @Override
        public String toString() {
            return "Credentials[" + client.clientId() + "]";
        }
    }

    private static ApiClient row(ResultSet rs) throws SQLException {
        String scopes = rs.getString("scopes");
        return new ApiClient(
                rs.getString("client_id"),
                rs.getString("account_id"),
                rs.getString("name"),
                scopes.isBlank() ? List.of() : Arrays.asList(scopes.split(" ")),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("secret_set_at", OffsetDateTime.class).toInstant());
    }
}
