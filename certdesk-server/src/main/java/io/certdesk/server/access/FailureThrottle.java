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

    /**
     * What the throttle knows of a caller before it authenticates: how long it must wait, if it
     * must, and whether its name has failures to forget when it then succeeds.
     */
    public record Check(Optional<Duration> retryAfter, boolean nameHasFailures) {}

    public Check check(String username, String address) {
        AttemptWindow.Standing user = attempts.standing("u:" + username, perUser);
        if (user.retryAfter().isPresent()) {
            return new Check(user.retryAfter(), true);
        }
        return new Check(attempts.retryAfter("a:" + address, perAddress), user.any());
    }

    public void failed(String username, String address) {
        attempts.record(List.of("u:" + username, "a:" + address));
    }

    /** Ends the name's run of failures; a name that had none costs no write (the token endpoint's every success). */
    public void succeeded(String username, Check before) {
        if (before.nameHasFailures()) {
            attempts.forget("u:" + username);
        }
    }
}
