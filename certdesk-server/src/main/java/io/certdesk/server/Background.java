package io.certdesk.server;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The single daemon thread each of the node's own periodic tasks runs on, and its stop. */
public final class Background {
    private Background() {}

    /** A scheduler on one daemon thread named {@code name} (it never keeps the process alive). */
    public static ScheduledExecutorService thread(String name) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        // on stop, what is only scheduled is dropped: only a run under way is waited for
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * Lets a run under way end, for up to {@code grace}, and interrupts it only after that (for a
     * scheduler of {@link #thread} or a pool of workers alike). A run
     * is not interrupted at once: an interrupt that lands while the embedded H2 database reads or
     * writes its file closes the file under every connection of the node (Java's interruptible
     * file channels), which ends the node's database instead of the task.
     */
    public static void stop(ExecutorService scheduler, Duration grace) {
        scheduler.shutdown();
        if (scheduler instanceof ThreadPoolExecutor pool && !(scheduler instanceof ScheduledThreadPoolExecutor)) {
            pool.getQueue().clear(); // as for a scheduler: what only waits its turn is dropped, not run
        }
        try {
            if (!scheduler.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                scheduler.shutdownNow();
                scheduler.awaitTermination(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
