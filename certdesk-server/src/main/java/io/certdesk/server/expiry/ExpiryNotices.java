package io.certdesk.server.expiry;

import io.certdesk.server.Background;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.chains.LifecycleSettings;
import io.certdesk.server.chains.LifecycleSettingsStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.webhooks.EventType;
import io.certdesk.server.webhooks.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells accounts what is about to end: a {@code certificate.expiring} event once per threshold
 * the account set (default 30, 14, 7 and 1 days; the platform CA's certificates also a year
 * ahead, to the platform's endpoints), and {@code certificate.expired} at the end. Each notice
 * is recorded with its event in one transaction, so a restart, or another node, never tells it
 * twice. Also keeps the counts the metrics show.
 */
public final class ExpiryNotices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExpiryNotices.class);
    public static final Duration PERIOD = Duration.ofSeconds(3);
    public static final Duration COUNTS_PERIOD = Duration.ofSeconds(10);
    /** The platform CA's own certificates are told of a year ahead too. */
    public static final int PLATFORM_CA_NOTICE_DAYS = 365;

    private static final int BATCH = 200;

    private final Database database;
    private final ExpiryStore store = new ExpiryStore();
    private final LifecycleSettingsStore settings = new LifecycleSettingsStore();
    private final PlatformCaService platformCa;
    private final Outbox outbox;
    private final Clock clock;
    private final ScheduledExecutorService timer = Background.thread("certdesk-expiry");
    private volatile Counts counts = new Counts(Map.of(), Map.of());
    private volatile Instant countedAt = Instant.EPOCH;

    public ExpiryNotices(Database database, PlatformCaService platformCa, Outbox outbox, Clock clock) {
        this.database = database;
        this.platformCa = platformCa;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** How many certificates of each kind end within 1, 7 and 30 days (by days), and the soonest end of each kind. */
    public record Counts(Map<Integer, Map<ExpiringItem.Kind, Long>> within, Map<ExpiringItem.Kind, Instant> soonest) {}

    public static final List<Integer> COUNTED_DAYS = List.of(1, 7, 30);

    public ExpiryNotices start() {
        timer.scheduleWithFixedDelay(this::tick, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public Counts counts() {
        return counts;
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            noticeNew(now);
            noticeDue(now);
            if (Duration.between(countedAt, now).compareTo(COUNTS_PERIOD) >= 0 || now.isBefore(countedAt)) {
                counts = count(now);
                countedAt = now;
                database.inTransaction(h -> store.pruneNotices(h, now.minus(Duration.ofDays(30))));
            }
        } catch (RuntimeException e) {
            log.warn("Expiry notices failed; trying again in {} s", PERIOD.toSeconds(), e);
        }
    }

    private void noticeNew(Instant now) {
        int longest = database.read(h -> store.noticeDaySets(h)).stream()
                .flatMap(set -> Arrays.stream(set.split(",")))
                .filter(s -> !s.isEmpty())
                .map(Integer::valueOf)
                .reduce(LifecycleSettings.DEFAULT_NOTICE_DAYS.get(0), Math::max);
        List<ExpiringItem> fresh =
                new ArrayList<>(database.read(h -> store.unnoticed(h, now.plus(Duration.ofDays(longest)), BATCH)));
        for (ExpiringItem own : platformItems()) {
            if (own.notAfter().isBefore(now.plus(Duration.ofDays(PLATFORM_CA_NOTICE_DAYS)))
                    && !database.read(h -> store.hasNotice(h, own.id(), own.position()))) {
                fresh.add(own);
            }
        }
        for (ExpiringItem item : fresh) {
            try {
                database.inTransaction(h -> {
                    if (store.hasNotice(h, item.id(), item.position())) {
                        return null;
                    }
                    NoticeSchedule.Step step =
                            NoticeSchedule.at(thresholds(h, item), item.notAfter(), now, Optional.empty());
                    store.insertNotice(h, item, step.last(), step.next());
                    step.send().ifPresent(t -> tell(h, item, t, now));
                    return null;
                });
            } catch (RuntimeException e) {
                if (!Database.isUniqueViolation(e)) { // another node recorded it first: it tells it
                    throw e;
                }
            }
        }
    }

    private void noticeDue(Instant now) {
        for (ExpiryStore.Notice due : database.read(h -> store.noticesDue(h, now, BATCH))) {
            database.inTransaction(h -> {
                Optional<ExpiryStore.Notice> locked = store.lockNotice(h, due.itemId(), due.position(), now);
                if (locked.isEmpty()) {
                    return null; // another node has it
                }
                Optional<ExpiringItem> item = locked.get().accountId().isPresent()
                        ? store.item(h, due.itemId(), due.position())
                        : platformItems().stream()
                                .filter(i -> i.id().equals(due.itemId()))
                                .findFirst();
                if (item.isEmpty()) {
                    store.deleteNotice(h, due.itemId(), due.position()); // gone, revoked or renewed: nothing to tell
                    return null;
                }
                NoticeSchedule.Step step = NoticeSchedule.at(
                        thresholds(h, item.get()),
                        item.get().notAfter(),
                        now,
                        locked.get().lastThreshold());
                store.updateNotice(h, due.itemId(), due.position(), step.last(), step.next());
                step.send().ifPresent(t -> tell(h, item.get(), t, now));
                return null;
            });
        }
    }

    private List<Integer> thresholds(Handle h, ExpiringItem item) {
        if (item.accountId().isEmpty()) {
            List<Integer> days = new ArrayList<>(LifecycleSettings.DEFAULT_NOTICE_DAYS);
            if (item.kind() == ExpiringItem.Kind.PLATFORM_CA) {
                days.add(0, PLATFORM_CA_NOTICE_DAYS);
            }
            return days;
        }
        return settings.of(h, item.accountId().get()).expiryNoticeDays();
    }

    private void tell(Handle h, ExpiringItem item, int threshold, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", item.kind().name());
        data.put("id", item.id());
        if (item.kind() == ExpiringItem.Kind.CHAIN_CERTIFICATE) {
            data.put("position", item.position());
        }
        data.put("subject", item.subject());
        data.put("sha256", item.sha256());
        data.put("notAfter", item.notAfter());
        data.put("daysLeft", item.daysLeft(at));
        if (threshold != NoticeSchedule.ENDED) {
            data.put("thresholdDays", threshold);
        }
        item.origin().ifPresent(o -> data.put("origin", o));
        if (!item.purposes().isEmpty()) {
            data.put("purposes", item.purposes());
        }
        ExpiringItem served = store.withDependents(h, List.of(item), at).get(0);
        data.put("servesDomains", served.servesDomains());
        served.signingRole().ifPresent(role -> data.put("signingRole", role));
        item.renewAt().ifPresent(renewAt -> data.put("renewAt", renewAt));
        outbox.publish(
                h,
                item.accountId(),
                threshold == NoticeSchedule.ENDED ? EventType.CERTIFICATE_EXPIRED : EventType.CERTIFICATE_EXPIRING,
                data);
    }

    /** The platform CA's own certificates (told to the platform's endpoints, a year ahead too). */
    private List<ExpiringItem> platformItems() {
        return platformCa.caCertificates().stream()
                .map(ca -> ExpiringItem.platformOwn(ExpiringItem.Kind.PLATFORM_CA, ca, List.of()))
                .toList();
    }

    private Counts count(Instant now) {
        return database.read(h -> {
            // the platform's CAs and the nodes' server certificates, counted as the platform listing shows them
            List<ExpiringItem> own = store.platformItems(h, platformCa.caCertificates());
            Map<Integer, Map<ExpiringItem.Kind, Long>> within = new LinkedHashMap<>();
            for (int days : COUNTED_DAYS) {
                Instant until = now.plus(Duration.ofDays(days));
                Map<ExpiringItem.Kind, Long> byKind = new EnumMap<>(store.countsBefore(h, until));
                for (ExpiringItem item : own) {
                    if (item.notAfter().isBefore(until)) {
                        byKind.merge(item.kind(), 1L, Long::sum);
                    }
                }
                within.put(days, byKind);
            }
            Map<ExpiringItem.Kind, Instant> soonest = new EnumMap<>(store.soonestEnds(h));
            for (ExpiringItem item : own) {
                soonest.merge(item.kind(), item.notAfter(), (a, b) -> a.isBefore(b) ? a : b);
            }
            return new Counts(within, soonest);
        });
    }

    @Override
    public void close() {
        Background.stop(timer, Duration.ofSeconds(10));
    }
}
