package io.certdesk.server.users;

import io.certdesk.server.access.Role;
import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for users and their sign-in sessions. */
public final class UserStore {
    private static final String SELECT = "SELECT id, username, role, account_id, created_at FROM users";

    /** A user and the hash its password must match. */
    public record Credentials(User user, String passwordHash) {
        @Override
        public String toString() {
            return "Credentials[" + user.username() + "]";
        }
    }

    public void insert(Handle h, User user, String passwordHash) {
        h.createUpdate("INSERT INTO users (id, username, password_hash, role, account_id, created_at) "
                        + "VALUES (:id, :username, :hash, :role, :account, :at)")
                .bind("id", user.id())
                .bind("username", user.username())
                .bind("hash", passwordHash)
                .bind("role", user.role().name())
                .bind("account", user.accountId().orElse(null))
                .bind("at", Database.utc(user.createdAt()))
                .execute();
    }

    public boolean usernameExists(Handle h, String username) {
        return h.createQuery("SELECT COUNT(*) FROM users WHERE username = :u")
                        .bind("u", username)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }

    public Optional<Credentials> credentials(Handle h, String username) {
        return h.createQuery(
                        "SELECT id, username, role, account_id, created_at, password_hash FROM users WHERE username = :u")
                .bind("u", username)
                .map((rs, ctx) -> new Credentials(row(rs), rs.getString("password_hash")))
                .findOne();
    }

    public List<User> ofAccount(Handle h, String accountId) {
        return h.createQuery(SELECT + " WHERE account_id = :a ORDER BY username")
                .bind("a", accountId)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    public void insertSession(Handle h, String tokenHash, String userId, Instant createdAt, Instant expiresAt) {
        h.createUpdate("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (:t, :u, :c, :e)")
                .bind("t", tokenHash)
                .bind("u", userId)
                .bind("c", Database.utc(createdAt))
                .bind("e", Database.utc(expiresAt))
                .execute();
    }

    /** The user of a session that has not expired at {@code now}. */
    public Optional<User> sessionUser(Handle h, String tokenHash, Instant now) {
        return h.createQuery("SELECT u.id, u.username, u.role, u.account_id, u.created_at FROM sessions s "
                        + "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :t AND s.expires_at > :now")
                .bind("t", tokenHash)
                .bind("now", Database.utc(now))
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    public void deleteSession(Handle h, String tokenHash) {
        h.createUpdate("DELETE FROM sessions WHERE token_hash = :t")
                .bind("t", tokenHash)
                .execute();
    }

    public int deleteExpiredSessions(Handle h, Instant now) {
        return h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now")
                .bind("now", Database.utc(now))
                .execute();
    }

    private static User row(ResultSet rs) throws SQLException {
        return new User(
                rs.getString("id"),
                rs.getString("username"),
                Role.valueOf(rs.getString("role")),
                Optional.ofNullable(rs.getString("account_id")),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
