package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A served chain's key is opened once, by whichever comes first, and one that cannot be opened is given up once. */
class ServedKeyTest {
    private static final PrivateKey KEY =
            KeyPairs.generate(KeyType.EC_P256, new SecureRandom()).getPrivate();

    @Test
    void aSealedKeyIsOpenedOnceEvenWhenEightHandshakesAskAtOnce() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ServedKey key = ServedKey.sealed("chain", () -> {
            opened.incrementAndGet();
            return KEY;
        });
        assertThat(key.pending()).isTrue();

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<PrivateKey>> asked = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                asked.add(pool.submit(() -> {
                    start.await();
                    return key.get();
                }));
            }
            start.countDown();
            for (Future<PrivateKey> each : asked) {
                assertThat(each.get()).isSameAs(KEY);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(opened).hasValue(1);
        assertThat(key.pending()).isFalse();
    }

    @Test
    void aKeyThatCannotBeOpenedIsTriedOnceAndThenServesNothing() {
        AtomicInteger tries = new AtomicInteger();
        ServedKey key = ServedKey.sealed("altered", () -> {
            tries.incrementAndGet();
            throw new IllegalStateException("the sealed row was altered");
        });

        assertThat(key.get()).isNull();
        assertThat(key.get()).isNull();
        assertThat(tries).hasValue(1);
        assertThat(key.pending()).isFalse();
    }

    @Test
    void anOpenedKeyIsNotPending() {
        ServedKey key = ServedKey.opened("chain", KEY);
        assertThat(key.pending()).isFalse();
        assertThat(key.get()).isSameAs(KEY);
    }
}
