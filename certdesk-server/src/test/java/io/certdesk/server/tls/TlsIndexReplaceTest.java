package io.certdesk.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An account replaced in the TLS index while handshakes look it up: a domain it keeps is never
 * without its owner for a moment (which served the platform's own chain to a handful of
 * handshakes in a soak), and a chain it keeps is always found by its alias.
 */
class TlsIndexReplaceTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @Test
    void lookupsDuringReplacementsOfAnAccountAlwaysFindTheChainItKeepsBound() throws Exception {
        ServedChain platform = chain("platform", "node", "localhost");
        TlsIndex index = new TlsIndex(platform, Optional.empty());
        ServedChain bound = chain("bound", "account", "kiosk.test");
        index.replace("account", account(bound, List.of()), NOW);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger missing = new AtomicInteger();
        AtomicInteger lookups = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    var chosen = index.selectFirst(Optional.of("kiosk.test"), List.of("EC"), NOW);
                    if (chosen.isEmpty() || !chosen.get().chain().id().equals("bound")) {
                        wrong.incrementAndGet();
                    }
                    if (index.byAlias("bound").isEmpty()) {
                        missing.incrementAndGet();
                    }
                    lookups.incrementAndGet();
                }
            });
            t.start();
            readers.add(t);
        }
        // an import and a deletion of another chain, again and again: the account is replaced each time
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        int replacements = 0;
        while (System.nanoTime() < until) {
            ServedChain imported = chain("imported-" + replacements, "account", "import.test");
            index.replace("account", account(bound, List.of(imported)), NOW);
            index.replace("account", account(bound, List.of()), NOW);
            replacements += 2;
        }
        running.set(false);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(lookups.get()).isPositive();
        assertThat(replacements).isPositive();
        assertThat(wrong.get()).as("lookups that did not get the bound chain").isZero();
        assertThat(missing.get())
                .as("lookups of the bound chain's alias that found nothing")
                .isZero();
    }

    @Test
    void aChainThatGoesIsStillFoundByItsAliasForAHandshakeThatChoseIt() {
        TlsIndex index = new TlsIndex(chain("platform", "node", "localhost"), Optional.empty());
        ServedChain bound = chain("bound", "account", "kiosk.test");
        ServedChain going = chain("going", "account", "import.test");
        index.replace("account", account(bound, List.of(going)), NOW);
        index.replace("account", account(bound, List.of()), NOW);
        assertThat(index.byAlias("going")).as("retired, not gone").contains(going);
        assertThat(index.selectFirst(Optional.of("import.test"), List.of("EC"), NOW)
                        .orElseThrow()
                        .chain()
                        .id())
                .as("no longer chosen")
                .isEqualTo("platform");
        index.replace("account", null, NOW);
        assertThat(index.selectFirst(Optional.of("kiosk.test"), List.of("EC"), NOW)
                        .orElseThrow()
                        .chain()
                        .id())
                .as("an account gone: its domain is nobody's")
                .isEqualTo("platform");
    }

    private static AccountTls account(ServedChain bound, List<ServedChain> others) {
        List<ServedChain> chains = new ArrayList<>(others);
        chains.add(0, bound);
        return new AccountTls("account", Set.of("kiosk.test", "import.test"), Map.of("kiosk.test", bound.id()), chains);
    }

    private static ServedChain chain(String id, String account, String name) {
        return new ServedChain(
                id,
                account,
                List.of(name),
                "EC",
                NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(90)),
                NOW,
                new X509Certificate[0],
                ServedKey.opened(id, null),
                new ServedChain.Stapling());
    }
}
