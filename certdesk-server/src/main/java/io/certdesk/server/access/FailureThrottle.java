package io.certdesk.server.access;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Limits failed attempts to authenticate (a user's sign-in, an API client's secret) per name and
 * per client address within a sliding window. The attempts are counted in the database
 * ({@link AttemptWindow}), so several nodes behind a load balancer allow what one would.
 */
public final class FailureThrottle {
    private final AttemptWindow attempts;
    private final int perUser;
    private final int perAddress;

    public FailureThrottle(AttemptWindow attempts, int perUser, int perAddress) {
        this.attempts = attempts;
        this.perUser = perUser;
        this.perAddress = perAddress;
    }

    /** How long the caller must wait before trying again, if it must. */
    public Optional<Duration> retryAfter(String username, String address) {
        Optional<Duration> user = attempts.retryAfter("u:" + username, perUser);
        return user.isPresent() ? user : attempts.retryAfter("a:" + address, perAddress);
    }

    public void failed(String username, String address) {
        attempts.record(List.of("u:" + username, "a:" + address));
    }

    public void succeeded(String username) {
        attempts.forget("u:" + username);
    }
}
