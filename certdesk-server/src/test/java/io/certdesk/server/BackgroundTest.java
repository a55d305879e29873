package io.certdesk.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A stop lets the work under way finish, never interrupting it, and drops what only waits. */
class BackgroundTest {

    @Test
    void aWorkerUnderWayFinishesUninterruptedAndAQueuedOneIsDropped() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean queuedRan = new AtomicBoolean();
        pool.execute(() -> {
            running.countDown();
            try {
                Thread.sleep(300);
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        pool.execute(() -> queuedRan.set(true));
        running.await();

        assertThat(Background.stop(pool, Duration.ofSeconds(5))).isTrue();

        assertThat(pool.isTerminated()).isTrue();
        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(queuedRan).isFalse();
    }

    @Test
    void aRunLongerThanTheGraceIsNeverInterruptedAndLeftToEndOnItsOwn() throws Exception {
        var scheduler = Background.thread("background-test");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        scheduler.execute(() -> {
            running.countDown();
            try {
                release.await();
                finished.set(true);
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        running.await();

        assertThat(Background.stop(scheduler, Duration.ofMillis(200))).isFalse();
        assertThat(scheduler.isTerminated()).isFalse();

        release.countDown(); // the run ends on its own
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
    }
}
