package io.certdesk.server.requests;

import io.certdesk.server.Background;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes requests made here that ended without their certificate (and their keys), every {@link #PERIOD}. */
public final class RequestExpiry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestExpiry.class);
    public static final Duration PERIOD = Duration.ofMinutes(1);
    private static final int BATCH = 500;

    private final ChainRequestService requests;
    private final ScheduledExecutorService timer = Background.thread("certdesk-request-expiry");

    public RequestExpiry(ChainRequestService requests) {
        this.requests = requests;
    }

    public RequestExpiry start() {
        timer.scheduleWithFixedDelay(this::tick, 5_000, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            int pruned;
            do {
                pruned = requests.pruneExpired(BATCH);
                if (pruned > 0) {
                    log.info("Deleted {} expired certificate requests and their keys", pruned);
                }
            } while (pruned == BATCH && !Thread.currentThread().isInterrupted());
        } catch (RuntimeException e) {
            log.warn("Deleting expired certificate requests failed; trying again in {} s", PERIOD.toSeconds(), e);
        }
    }

    @Override
    public void close() {
        Background.stop(timer, Duration.ofSeconds(10));
    }
}
