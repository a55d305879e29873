package io.certdesk.server.tls;

import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.trust.RevocationStatus;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.chains.IssuerRevocationStore;
import io.certdesk.server.outbound.IssuerOcsp;
import io.certdesk.server.store.Database;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the own CA of each imported chain the edge serves, through the OCSP responder its leaf
 * names, whether it is revoked, and asks again before the answer's nextUpdate (at most every
 * {@code refresh}). A good answer is kept to staple; a chain its CA reports revoked is recorded
 * (audit log, API, console) and no longer served, on every node (the next valid chain or the
 * platform's certificate takes its place). A responder that does not answer changes nothing but
 * a warning: the chain is served as before, and asked again later.
 */
public final class IssuerRevocationWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IssuerRevocationWatch.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

    /** What is known of one chain, kept across reloads of its account (by chain id). */
    private static final class Watch {
        final boolean namesResponder;
        volatile Instant nextCheck = Instant.MIN;
        volatile boolean asking;
        volatile byte[] staple;
        volatile Instant stapleUntil = Instant.MIN;
        volatile RevocationStatus.State last;

        Watch(boolean namesResponder) {
            this.namesResponder = namesResponder;
        }
    }

    private final TlsChains chains;
    private final IssuerOcsp ocsp;
    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration refresh;
    private final IssuerRevocationStore store = new IssuerRevocationStore();
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticks;
    private final ExecutorService asks;

    public IssuerRevocationWatch(
            TlsChains chains, IssuerOcsp ocsp, Database database, AuditLog audit, Clock clock, Duration refresh) {
        this.chains = chains;
        this.ocsp = ocsp;
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.refresh = refresh;
        this.ticks = io.certdesk.server.Background.thread("certdesk-issuer-ocsp");
        this.asks = Executors.newFixedThreadPool(4, daemon("certdesk-issuer-ocsp-ask"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public IssuerRevocationWatch start() {
        ticks.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        chains.stapleImportedFrom(this::staple);
        return this;
    }

    /** The current good answer of the chain's CA, to staple. */
    Optional<byte[]> staple(String chainId) {
        Watch watch = watches.get(chainId);
        return watch == null || watch.staple == null || !clock.instant().isBefore(watch.stapleUntil)
                ? Optional.empty()
                : Optional.of(watch.staple);
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            Set<String> held = new HashSet<>();
            for (ServedChain chain : chains.accountChains()) {
                X509Certificate[] certificates = chain.certificates();
                if (certificates.length < 2 || chains.issuedByPlatform(chain)) {
                    continue; // the platform's own responder answers for what the platform CA issued
                }
                held.add(chain.id());
                Watch watch = watches.computeIfAbsent(
                        chain.id(), id -> new Watch(IssuerOcsp.namesResponder(certificates[0])));
                if (watch.namesResponder && !watch.asking && !now.isBefore(watch.nextCheck)) {
                    watch.asking = true;
                    asks.execute(() -> ask(chain, watch));
                }
            }
            watches.keySet().retainAll(held);
        } catch (RuntimeException e) {
            log.warn("Asking imported chains' CAs: {} (again in a second)", e.toString());
        }
    }

    private void ask(ServedChain chain, Watch watch) {
        try {
            Instant now = clock.instant();
            X509Certificate leaf = chain.certificates()[0];
            IssuerOcsp.Answer answer = ocsp.ask(leaf, chain.certificates()[1], now);
            RevocationStatus.Status status = answer.status();
            switch (status.state()) {
                case GOOD -> {
                    Instant until = status.nextUpdate().orElse(now.plus(refresh));
                    watch.staple = answer.response().orElse(null);
                    watch.stapleUntil = until;
                    Duration half = Duration.between(now, until).dividedBy(2);
                    watch.nextCheck = now.plus(clamp(half, Duration.ofSeconds(1), refresh));
                }
                case REVOKED -> {
                    watch.staple = null;
                    watch.nextCheck = Instant.MAX; // a revocation is final
                    revoked(chain, status, now);
                }
                case UNKNOWN -> {
                    if (watch.last != RevocationStatus.State.UNKNOWN) {
                        log.warn(
                                "The CA of imported chain {} (account {}) gave no usable OCSP answer: {}; it is served as"
                                        + " before",
                                chain.id(),
                                chain.accountId(),
                                status.detail());
                    }
                    watch.nextCheck =
                            now.plus(refresh.compareTo(RETRY_AFTER_FAILURE) < 0 ? refresh : RETRY_AFTER_FAILURE);
                }
            }
            watch.last = status.state();
        } catch (RuntimeException e) {
            log.warn("Asking the CA of imported chain {} failed: {}", chain.id(), e.toString());
            watch.nextCheck = clock.instant().plus(RETRY_AFTER_FAILURE);
        } finally {
            watch.asking = false;
        }
    }

    private void revoked(ServedChain chain, RevocationStatus.Status status, Instant now) {
        String reason = status.reasonCode().map(RevocationReason::rfcNameOf).orElse("unspecified");
        String url = String.join(" ", io.certdesk.pki.trust.RevocationStatus.ocspUrls(chain.certificates()[0]));
        boolean recorded = database.inTransaction(h -> {
            boolean first = store.record(
                    h,
                    chain.id(),
                    chain.accountId(),
                    new IssuerRevocationStore.IssuerRevocation(
                            status.revokedAt().orElse(now),
                            reason,
                            now,
                            url.length() > 2000 ? url.substring(0, 2000) : url));
            if (first) {
                audit.record(
                        h,
                        "system",
                        chain.accountId(),
                        AuditAction.CHAIN_REVOKED_BY_ISSUER,
                        chain.certificates()[0].getSubjectX500Principal().getName() + ": " + status.detail()
                                + "; no longer served");
                chains.changed(h, chain.accountId());
            }
            return first;
        });
        if (recorded) {
            log.warn(
                    "Imported chain {} of account {} is revoked by its CA ({}): no longer served",
                    chain.id(),
                    chain.accountId(),
                    reason);
        }
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    @Override
    public void close() {
        io.certdesk.server.Background.stop(ticks, java.time.Duration.ofSeconds(5));
        io.certdesk.server.Background.stop(
                asks, java.time.Duration.ofSeconds(10)); // an ask under way records its answer
    }
}
