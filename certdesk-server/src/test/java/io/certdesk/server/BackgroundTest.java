package io.certdesk.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A stop lets the work under way finish uninterrupted within its grace, and drops what only waits. */
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

        Background.stop(pool, Duration.ofSeconds(5));

        assertThat(pool.isTerminated()).isTrue();
        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(queuedRan).isFalse();
    }

    @Test
    void aRunLongerThanTheGraceIsInterruptedAfterIt() throws Exception {
        var scheduler = Background.thread("background-test");
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        scheduler.execute(() -> {
            running.countDown();
            try {
                Thread.sleep(TimeUnit.MINUTES.toMillis(1));
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        });
        running.await();
        long started = System.nanoTime();

        Background.stop(scheduler, Duration.ofMillis(200));

        assertThat(scheduler.isTerminated()).isTrue();
        assertThat(interrupted).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
}
