package io.certdesk.server.chains;

import io.certdesk.server.Background;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the renewal sweep on a thread of its own every {@link #PERIOD}: what is due is renewed
 * within seconds of its time, on whichever node gets to it first.
 */
public final class RenewalSweep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RenewalSweep.class);
    public static final Duration PERIOD = Duration.ofSeconds(2);
    private static final int MOST_BATCHES_A_TICK = 20;

    private final ChainRenewalService renewals;
    private final ScheduledExecutorService timer = Background.thread("certdesk-renewals");

    public RenewalSweep(ChainRenewalService renewals) {
        this.renewals = renewals;
    }

    public RenewalSweep start() {
        timer.scheduleWithFixedDelay(this::tick, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            for (int i = 0; i < MOST_BATCHES_A_TICK && renewals.sweep(); i++) {
                // more was due than one batch: go on
            }
        } catch (RuntimeException e) {
            log.warn("Renewal sweep failed; trying again in {} s", PERIOD.toSeconds(), e);
        }
    }

    @Override
    public void close() {
        Background.stop(timer, Duration.ofSeconds(10));
    }
}
