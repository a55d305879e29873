package io.certdesk.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** Waits, polling every 100 ms, for what a node does on its own thread (a sweep, a reload) to be seen. */
public final class Eventually {
    private Eventually() {}

    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Fails saying {@code what} did not happen within {@code within}. */
    public static void holds(String what, Duration within, Condition condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.holds()) {
            assertThat(System.nanoTime())
                    .as(what + " within " + within.toSeconds() + " s")
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** As above, within 10 seconds. */
    public static void holds(String what, Condition condition) throws Exception {
        holds(what, Duration.ofSeconds(10), condition);
    }
}
