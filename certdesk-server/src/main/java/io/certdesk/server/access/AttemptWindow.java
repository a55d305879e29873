package io.certdesk.server.access;

import io.certdesk.server.store.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A sliding window of attempts per subject (a user name, an address, an account), kept in the
 * database so that every node counts the same attempts: a limit of five means five in all, not
 * five per node. The subject is at most 400 characters (longer ones are cut, which only merges
 * subjects nobody types).
 */
public final class AttemptWindow {
    private static final int MAX_SUBJECT = 400;

    private final Database database;
    private final AttemptScope scope;
    private final Clock clock;
    private final Duration window;
    private final AtomicLong recorded = new AtomicLong();

    public AttemptWindow(Database database, AttemptScope scope, Clock clock, Duration window) {
        this.database = database;
        this.scope = scope;
        this.clock = clock;
        this.window = window;
    }

    /**
     * Where {@code subject} stands: whether it has any attempt within the window, and how long
     * until it may try again when it has {@code limit} of them. One query of at most {@code limit} rows.
     */
    public record Standing(boolean any, Optional<Duration> retryAfter) {}

    public Standing standing(String subject, int limit) {
        Instant now = clock.instant();
        List<Instant> newest = database.read(
                h -> h.createQuery("SELECT at FROM attempt_events WHERE scope = :s AND subject = :k AND at > :since"
                                + " ORDER BY at DESC LIMIT :limit")
                        .bind("s", scope.column())
                        .bind("k", cut(subject))
                        .bind("since", Database.utc(now.minus(window)))
                        .bind("limit", limit)
                        .map((rs, ctx) -> Database.instant(rs, 1))
                        .list());
        Optional<Duration> wait = newest.size() < limit
                ? Optional.empty()
                : Optional.of(Duration.between(now, newest.get(limit - 1).plus(window)))
                        .filter(d -> !d.isNegative() && !d.isZero());
        return new Standing(!newest.isEmpty(), wait);
    }

    /** How long until {@code subject} may try again, when it has had {@code limit} attempts within the window. */
    public Optional<Duration> retryAfter(String subject, int limit) {
        return standing(subject, limit).retryAfter();
    }

    /** Counts one attempt of each subject, in one transaction; now and then forgets attempts older than the window. */
    public void record(List<String> subjects) {
        Instant now = clock.instant();
        boolean prune = recorded.incrementAndGet() % 100 == 0;
        database.inTransaction(h -> {
            for (String subject : subjects) {
                h.createUpdate("INSERT INTO attempt_events (scope, subject, at) VALUES (:s, :k, :at)")
                        .bind("s", scope.column())
                        .bind("k", cut(subject))
                        .bind("at", Database.utc(now))
                        .execute();
            }
            if (prune) {
                h.createUpdate("DELETE FROM attempt_events WHERE scope = :s AND at <= :before")
                        .bind("s", scope.column())
                        .bind("before", Database.utc(now.minus(window)))
                        .execute();
            }
            return null;
        });
    }

    /** Forgets {@code subject}'s attempts (a success ends a run of failures). */
    public void forget(String subject) {
        database.inTransaction(h -> h.createUpdate("DELETE FROM attempt_events WHERE scope = :s AND subject = :k")
                .bind("s", scope.column())
                .bind("k", cut(subject))
                .execute());
    }

    private static String cut(String subject) {
        return subject.length() <= MAX_SUBJECT ? subject : subject.substring(0, MAX_SUBJECT);
    }
}
