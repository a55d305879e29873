package io.certdesk.server.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed attempts to authenticate (a user's sign-in, an API client's secret) per name and
 * per client address within a sliding window. Counts are kept per node, in memory: behind a load
 * balancer the effective limit is per node.
 */
public final class FailureThrottle {
    private final Clock clock;
    private final Duration window;
    private final int perUser;
    private final int perAddress;
    private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public FailureThrottle(Clock clock, Duration window, int perUser, int perAddress) {
        this.clock = clock;
        this.window = window;
        this.perUser = perUser;
        this.perAddress = perAddress;
    }

    /** How long the caller must wait before trying again, if it must. */
    public Optional<Duration> retryAfter(String username, String address) {
        Instant now = clock.instant();
        Optional<Duration> user = blocked("u:" + username, perUser, now);
        return user.isPresent() ? user : blocked("a:" + address, perAddress, now);
    }

    public void failed(String username, String address) {
        Instant now = clock.instant();
        add("u:" + username, now);
        add("a:" + address, now);
        if (failures.size() > 100_000) {
            failures.entrySet().removeIf(e -> prune(e.getValue(), now).isEmpty());
        }
    }

    public void succeeded(String username) {
        failures.remove("u:" + username);
    }

    private Optional<Duration> blocked(String key, int limit, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        synchronized (times) {
            prune(times, now);
            if (times.size() < limit) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(now, times.peekFirst().plus(window)));
        }
    }

    private void add(String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            prune(times, now);
            times.addLast(now);
        }
    }

    private Deque<Instant> prune(Deque<Instant> times, Instant now) {
        synchronized (times) {
            while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
                times.removeFirst();
            }
            return times;
        }
    }
}
