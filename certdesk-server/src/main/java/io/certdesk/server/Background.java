package io.certdesk.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The single daemon thread each of the node's own periodic tasks runs on, and its stop. */
public final class Background {
    private Background() {}

    /** A scheduler on one daemon thread named {@code name} (it never keeps the process alive). */
    public static ScheduledExecutorService thread(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Interrupts what runs and waits up to {@code grace} for it to end. */
    public static void stop(ScheduledExecutorService scheduler, Duration grace) {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
