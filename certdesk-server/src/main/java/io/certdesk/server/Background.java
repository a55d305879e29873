package io.certdesk.server;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single daemon thread each of the node's own periodic tasks runs on, and its stop. */
public final class Background {
    private static final Logger log = LoggerFactory.getLogger(Background.class);

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

    /** An executor that runs each task it is given on a new daemon thread named {@code name}: for one-off work of a start. */
    public static Executor ownThread(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        };
    }

    /**
     * Lets a run under way end, for up to {@code grace}, and never interrupts it (for a scheduler
     * of {@link #thread} or a pool of workers alike). An interrupt that lands while the embedded
     * H2 database reads or writes its file closes the file under every connection of the node
     * (Java's interruptible file channels): the database is then left unclosed, and the next start
     * recovers it (21 s for a 29 GB file). A run still going after the grace is left to end on
     * its own thread (a daemon): its statements end when the database is closed under them, and
     * its outbound calls have deadlines of their own. Returns whether everything had ended.
     */
    public static boolean stop(ExecutorService scheduler, Duration grace) {
        scheduler.shutdown();
        if (scheduler instanceof ThreadPoolExecutor pool && !(scheduler instanceof ScheduledThreadPoolExecutor)) {
            pool.getQueue().clear(); // as for a scheduler: what only waits its turn is dropped, not run
        }
        try {
            if (scheduler.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.warn(
                "A background task is still running {} s into the stop; it is left to end on its own",
                grace.toSeconds());
        return false;
    }
}
