package io.certdesk.server.webhooks;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.Background;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.outbound.PublicRoots;
import io.certdesk.server.outbound.WebhookPoster;
import io.certdesk.server.store.Database;
import io.certdesk.server.trust.TrustSettingsStore;
import io.certdesk.server.trust.TrustedCaStore;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's deliveries: each is claimed by one node before it is sent, POSTed signed
 * (Standard Webhooks) through the outbound guard, trusting the account's trusted CAs (and the
 * public roots when the account includes them), and recorded; a failure is tried again on the
 * Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: over a day), then given up.
 * Deliveries to one endpoint go in order: the next waits for the one before it. A node that dies
 * after sending and before recording leaves the delivery to be sent again (at least once, with the
 * same {@code webhook-id}) once its claim has run out.
 */
public final class WebhookDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookDelivery.class);
    /** The wait before each attempt after a failure: attempt 2 after 5 s, … attempt 8 after 10 h. */
    public static final List<Duration> RETRIES = List.of(
            Duration.ofSeconds(5),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(10));

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long an event done with stays in the delivery logs. */
    public static final Duration KEPT = Duration.ofDays(30);
    /** How long a claim holds: a send's timeout and some. */
    static final Duration CLAIM = TIMEOUT.multipliedBy(3);

    private static final int BATCH = 32;
    private static final int MOST_ROUNDS_A_TICK = 1_000;

    private final Database database;
    private final WebhookStore store;
    private final KeyVault vault;
    private final AccountStore accounts;
    private final TrustedCaStore trustedCas;
    private final TrustSettingsStore trustSettings;
    private final List<X509Certificate> platformAnchors;
    private final WebhookPoster poster;
    private final Clock clock;
    private final ScheduledExecutorService timer = Background.thread("certdesk-webhooks");
    private final ExecutorService senders = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "certdesk-webhook-send");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile Instant pruned = Instant.EPOCH;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();

    public WebhookDelivery(
            Database database,
            WebhookStore store,
            KeyVault vault,
            AccountStore accounts,
            TrustedCaStore trustedCas,
            TrustSettingsStore trustSettings,
            List<X509Certificate> platformAnchors,
            WebhookPoster poster,
            Clock clock) {
        this.database = database;
        this.store = store;
        this.vault = vault;
        this.accounts = accounts;
        this.trustedCas = trustedCas;
        this.trustSettings = trustSettings;
        this.platformAnchors = List.copyOf(platformAnchors);
        this.poster = poster;
        this.clock = clock;
    }

    public WebhookDelivery start() {
        timer.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /** Looks for due deliveries now (after a commit that wrote events) rather than at the next second. */
    public void wake() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    scheduled.set(false);
                    tick();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false); // closing
            }
        }
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long failedAttemptCount() {
        return failedAttempts.get();
    }

    public long givenUpCount() {
        return givenUp.get();
    }

    /**
     * Rounds of sends, each of the oldest due delivery of every endpoint, until none is due (an
     * endpoint that takes its events gets the next one at once, not a second later).
     */
    private void tick() {
        Instant started = clock.instant();
        if (Duration.between(pruned, started).compareTo(Duration.ofMinutes(10)) >= 0) {
            pruned = started;
            try {
                database.inTransaction(h -> store.prune(h, started.minus(KEPT)));
            } catch (RuntimeException e) {
                log.warn("Pruning the delivery logs failed", e);
            }
        }
        try {
            for (int round = 0; round < MOST_ROUNDS_A_TICK; round++) {
                List<java.util.concurrent.Future<?>> running = new ArrayList<>();
                Instant now = clock.instant();
                for (long seq : database.read(h -> store.due(h, now, BATCH))) {
                    boolean mine = database.inTransaction(h -> store.claim(h, seq, now, now.plus(CLAIM)));
                    if (mine) {
                        running.add(senders.submit(() -> send(seq)));
                    }
                }
                if (running.isEmpty()) {
                    return;
                }
                for (var future : running) {
                    future.get();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Webhook delivery round failed; trying again in a second", e);
        }
    }

    private void send(long seq) {
        Optional<Prepared> prepared = database.read(h -> store.outgoing(h, seq).map(o -> {
            byte[] key = vault.secret(h, o.webhook().secretKeyId());
            // the trust anchors matter only over TLS (an account's trusted CAs can be many)
            boolean tls = o.webhook().url().regionMatches(true, 0, "https:", 0, 6);
            return new Prepared(o, key, tls ? anchors(h, o.webhook()) : List.of());
        }));
        if (prepared.isEmpty()) {
            return; // the endpoint was deleted meanwhile
        }
        Prepared p = prepared.get();
        byte[] body = p.outgoing().payload().getBytes(StandardCharsets.UTF_8);
        WebhookPoster.Outcome outcome;
        try {
            outcome = poster.post(
                    p.outgoing().webhook().url(),
                    p.anchors(),
                    StandardWebhooks.headers(
                            p.key(), p.outgoing().eventId(), clock.instant().getEpochSecond(), body),
                    body);
        } finally {
            Arrays.fill(p.key(), (byte) 0);
        }
        Instant at = clock.instant();
        int attempt = p.outgoing().attempts() + 1;
        if (outcome.delivered()) {
            delivered.incrementAndGet();
            database.inTransaction(h -> {
                store.delivered(h, seq, at, outcome.status());
                return null;
            });
            return;
        }
        failedAttempts.incrementAndGet();
        Optional<Instant> retry =
                attempt <= RETRIES.size() ? Optional.of(at.plus(RETRIES.get(attempt - 1))) : Optional.empty();
        if (retry.isEmpty()) {
            givenUp.incrementAndGet();
            log.warn(
                    "Webhook {} gave up on event {} after {} attempts: {}",
                    p.outgoing().webhook().id(),
                    p.outgoing().eventId(),
                    attempt,
                    outcome.detail());
        }
        database.inTransaction(h -> {
            store.attemptFailed(h, seq, at, outcome.status(), outcome.detail(), retry);
            return null;
        });
    }

    private record Prepared(WebhookStore.Outgoing outgoing, byte[] key, List<X509Certificate> anchors) {}

    private List<X509Certificate> anchors(org.jdbi.v3.core.Handle h, Webhook hook) {
        if (hook.accountId().isEmpty()) {
            return platformAnchors;
        }
        String accountId = hook.accountId().get();
        Optional<String> parent = accounts.find(h, accountId).flatMap(a -> a.parentId());
        List<X509Certificate> anchors = new ArrayList<>();
        trustedCas.trustedBy(h, accountId, parent).forEach(der -> anchors.add(CertificateCodec.decodeDer(der)));
        if (trustSettings.get(h, accountId).includePublicRoots()) {
            anchors.addAll(PublicRoots.certificates());
        }
        return anchors;
    }

    /** The backlog, for the metrics. */
    public WebhookStore.Backlog backlog() {
        return database.read(store::backlog);
    }

    /** Stops looking for deliveries, and lets the ones being sent finish and be recorded (up to a send's timeout). */
    @Override
    public void close() {
        timer.shutdown();
        // sends under way are let finish and be recorded; one still sending after its timeout stays claimed, and is
        // sent again once the claim runs out
        io.certdesk.server.Background.stop(senders, Duration.ofSeconds(TIMEOUT.toSeconds() + 5));
        io.certdesk.server.Background.stop(timer, Duration.ofSeconds(10));
    }
}
