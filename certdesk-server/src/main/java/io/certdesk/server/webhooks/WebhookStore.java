package io.certdesk.server.webhooks;

import io.certdesk.server.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** SQL for webhook endpoints, the outbox of events and their deliveries. */
public final class WebhookStore {
    private static final String HOOK = "id, account_id, url, events, description, secret_key_id, created_at";
    private static final String DELIVERY =
            "d.seq, d.event_id, d.webhook_id, e.type, e.created_at, d.status, d.attempts,"
                    + " d.next_attempt_at, d.last_attempt_at, d.last_status, d.last_error, d.delivered_at";

    public void insert(Handle h, Webhook hook) {
        h.createUpdate("INSERT INTO webhooks (" + HOOK + ") VALUES (:id, :a, :url, :events, :d, :k, :at)")
                .bind("id", hook.id())
                .bind("a", hook.accountId().orElse(null))
                .bind("url", hook.url())
                .bind("events", eventsColumn(hook.events()))
                .bind("d", hook.description().orElse(null))
                .bind("k", hook.secretKeyId())
                .bind("at", Database.utc(hook.createdAt()))
                .execute();
    }

    /** The endpoints of an account (empty: the platform's), oldest first. */
    public List<Webhook> of(Handle h, Optional<String> accountId) {
        return h.createQuery("SELECT " + HOOK + " FROM webhooks WHERE "
                        + (accountId.isPresent() ? "account_id = :a" : "account_id IS NULL")
                        + " ORDER BY created_at, id")
                .bindMap(accountId.isPresent() ? java.util.Map.of("a", accountId.get()) : java.util.Map.of())
                .map((rs, ctx) -> hook(rs))
                .list();
    }

    public Optional<Webhook> find(Handle h, Optional<String> accountId, String id) {
        return of(h, accountId).stream().filter(w -> w.id().equals(id)).findFirst();
    }

    public Optional<Webhook> byId(Handle h, String id) {
        return h.createQuery("SELECT " + HOOK + " FROM webhooks WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> hook(rs))
                .findOne();
    }

    /** Deletes the endpoint, its deliveries and its sealed secret. */
    public void delete(Handle h, Webhook hook) {
        h.createUpdate("DELETE FROM webhooks WHERE id = :id")
                .bind("id", hook.id())
                .execute();
        h.createUpdate("DELETE FROM sealed_keys WHERE id = :k")
                .bind("k", hook.secretKeyId())
                .execute();
    }

    /**
     * The endpoints an event of {@code type} goes to: the account's that subscribe to it and the
     * platform's that do (a platform event, no account: the platform's only).
     */
    public List<String> subscribers(Handle h, Optional<String> accountId, EventType type) {
        // each part by its index on account_id (an OR of the two would read the whole table)
        return h.createQuery("SELECT id FROM (SELECT id FROM webhooks WHERE account_id IS NULL AND events LIKE :t"
                        + (accountId.isPresent()
                                ? " UNION ALL SELECT id FROM webhooks WHERE account_id = :a AND events LIKE :t"
                                : "")
                        + ") x ORDER BY id")
                .bind("t", "%," + type.wireName() + ",%")
                .bindMap(accountId.isPresent() ? java.util.Map.of("a", accountId.get()) : java.util.Map.of())
                .mapTo(String.class)
                .list();
    }

    public void insertEvent(
            Handle h, String id, Optional<String> accountId, EventType type, String payload, Instant at) {
        h.createUpdate(
                        "INSERT INTO webhook_events (id, account_id, type, payload, created_at) VALUES (:id, :a, :t, :p, :at)")
                .bind("id", id)
                .bind("a", accountId.orElse(null))
                .bind("t", type.wireName())
                .bind("p", payload)
                .bind("at", Database.utc(at))
                .execute();
    }

    public void insertDeliveries(Handle h, String eventId, List<String> webhookIds, Instant at) {
        var batch = h.prepareBatch("INSERT INTO webhook_deliveries (event_id, webhook_id, status, next_attempt_at)"
                + " VALUES (:e, :w, 'PENDING', :at)");
        for (String webhookId : webhookIds) {
            batch.bind("e", eventId)
                    .bind("w", webhookId)
                    .bind("at", Database.utc(at))
                    .add();
        }
        batch.execute();
    }

    /**
     * Deliveries due at {@code now} and claimed by no node, the oldest first, and for each endpoint
     * only its oldest pending one (deliveries to an endpoint go in order).
     */
    public List<Long> due(Handle h, Instant now, int limit) {
        // the endpoints with something pending, then the oldest pending of each (one index probe each):
        // a plan that stays the same whatever the planner's statistics say of the table
        List<String> endpoints = h.createQuery(
                        "SELECT DISTINCT webhook_id FROM webhook_deliveries WHERE status = 'PENDING'")
                .mapTo(String.class)
                .list();
        List<Long> due = new java.util.ArrayList<>();
        for (String endpoint : endpoints) {
            h.createQuery("SELECT seq, next_attempt_at, claimed_until FROM webhook_deliveries"
                            + " WHERE webhook_id = :w AND status = 'PENDING' ORDER BY seq LIMIT 1")
                    .bind("w", endpoint)
                    .map((rs, ctx) -> {
                        Instant next = Database.instant(rs, 2);
                        Instant claimed = Database.instant(rs, 3);
                        boolean ready =
                                next != null && !next.isAfter(now) && (claimed == null || claimed.isBefore(now));
                        return ready ? rs.getLong(1) : -1L;
                    })
                    .findOne()
                    .filter(seq -> seq >= 0)
                    .ifPresent(due::add);
        }
        java.util.Collections.sort(due);
        return due.size() > limit ? List.copyOf(due.subList(0, limit)) : due;
    }

    /** Claims a delivery for this node until {@code until}; false when another node has it or it is done. */
    public boolean claim(Handle h, long seq, Instant now, Instant until) {
        return h.createUpdate(
                                "UPDATE webhook_deliveries SET claimed_until = :until WHERE seq = :s AND status = 'PENDING'"
                                        + " AND (claimed_until IS NULL OR claimed_until < :now)")
                        .bind("s", seq)
                        .bind("now", Database.utc(now))
                        .bind("until", Database.utc(until))
                        .execute()
                == 1;
    }

    /** What a claimed delivery sends: the event's id, payload and creation, and the endpoint. */
    public record Outgoing(long seq, String eventId, String payload, int attempts, Webhook webhook) {}

    public Optional<Outgoing> outgoing(Handle h, long seq) {
        return h.createQuery("SELECT d.seq, d.event_id, e.payload, d.attempts, d.webhook_id FROM webhook_deliveries d"
                        + " JOIN webhook_events e ON e.id = d.event_id WHERE d.seq = :s")
                .bind("s", seq)
                .map((rs, ctx) ->
                        new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)})
                .findOne()
                .flatMap(row -> byId(h, (String) row[4])
                        .map(hook ->
                                new Outgoing((Long) row[0], (String) row[1], (String) row[2], (Integer) row[3], hook)));
    }

    public void delivered(Handle h, long seq, Instant at, int status) {
        h.createUpdate(
                        "UPDATE webhook_deliveries SET status = 'DELIVERED', attempts = attempts + 1, delivered_at = :at,"
                                + " last_attempt_at = :at, last_status = :st, last_error = NULL, claimed_until = NULL,"
                                + " next_attempt_at = NULL WHERE seq = :s")
                .bind("s", seq)
                .bind("at", Database.utc(at))
                .bind("st", status)
                .execute();
    }

    /** A failed attempt: tried again at {@code retryAt}, or, with none, failed for good. */
    public void attemptFailed(Handle h, long seq, Instant at, int status, String error, Optional<Instant> retryAt) {
        h.createUpdate(
                        "UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1, last_attempt_at = :at,"
                                + " last_status = :st, last_error = :err, claimed_until = NULL, next_attempt_at = :retry WHERE seq = :s")
                .bind("s", seq)
                .bind("status", retryAt.isPresent() ? "PENDING" : "FAILED")
                .bind("at", Database.utc(at))
                .bind("st", status == 0 ? null : status)
                .bind("err", error.length() > 500 ? error.substring(0, 500) : error)
                .bind("retry", retryAt.map(Database::utc).orElse(null))
                .execute();
    }

    /** An endpoint's deliveries, newest first. */
    public List<Delivery> deliveries(Handle h, String webhookId, int limit) {
        return h.createQuery(
                        "SELECT " + DELIVERY + " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id"
                                + " WHERE d.webhook_id = :w ORDER BY d.seq DESC LIMIT :n")
                .bind("w", webhookId)
                .bind("n", limit)
                .map((rs, ctx) -> delivery(rs))
                .list();
    }

    /** Forgets events made before {@code before} that have nothing left to deliver (their log goes with them). */
    public int prune(Handle h, Instant before) {
        return h.createUpdate(
                        "DELETE FROM webhook_events WHERE created_at < :before AND NOT EXISTS"
                                + " (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id AND d.status = 'PENDING')")
                .bind("before", Database.utc(before))
                .execute();
    }

    /** How many deliveries are pending, and the creation of the oldest event among them. */
    public record Backlog(long pending, Optional<Instant> oldest) {}

    public Backlog backlog(Handle h) {
        return h.createQuery("SELECT COUNT(*), MIN(e.created_at) FROM webhook_deliveries d"
                        + " JOIN webhook_events e ON e.id = d.event_id WHERE d.status = 'PENDING'")
                .map((rs, ctx) -> new Backlog(rs.getLong(1), Optional.ofNullable(Database.instant(rs, 2))))
                .one();
    }

    public int count(Handle h, Optional<String> accountId) {
        return of(h, accountId).size();
    }

    static String eventsColumn(Set<EventType> events) {
        return "," + events.stream().map(EventType::wireName).sorted().collect(Collectors.joining(",")) + ",";
    }

    private static Webhook hook(ResultSet rs) throws SQLException {
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        Arrays.stream(rs.getString("events").split(","))
                .filter(s -> !s.isEmpty())
                .forEach(s -> EventType.ofWireName(s).ifPresent(events::add));
        return new Webhook(
                rs.getString("id"),
                Optional.ofNullable(rs.getString("account_id")),
                rs.getString("url"),
                events,
                Optional.ofNullable(rs.getString("description")),
                rs.getString("secret_key_id"),
                Database.instant(rs, 7));
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        return new Delivery(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                Database.instant(rs, 5),
                Delivery.Status.valueOf(rs.getString(6)),
                rs.getInt(7),
                Optional.ofNullable(Database.instant(rs, 8)),
                Optional.ofNullable(Database.instant(rs, 9)),
                Optional.ofNullable((Integer) rs.getObject(10, Integer.class)),
                Optional.ofNullable(rs.getString(11)),
                Optional.ofNullable(Database.instant(rs, 12)));
    }
}
