package io.certdesk.server.chains;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which chain signs an account's tokens and for how long tokens live, as stored: the current
 * signing chain, a next one published ahead of {@code activateAt}, and the token lifetime with
 * the one it replaced (tokens issued under a longer lifetime keep it in force until they expire).
 * Pure: every answer is for an instant the caller gives.
 */
public record SigningState(
        Optional<String> current,
        Optional<String> next,
        Optional<Instant> activateAt,
        Duration lifetime,
        Duration previousLifetime,
        Optional<Instant> lifetimeChangedAt) {
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
    public static final Duration MIN_LIFETIME = Duration.ofMinutes(1);
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);
    /** Clock skew allowed between the token issuer and verifiers: keys stay published this much longer. */
    public static final Duration SKEW = Duration.ofMinutes(1);

    public static SigningState none() {
        return new SigningState(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                DEFAULT_LIFETIME,
                DEFAULT_LIFETIME,
                Optional.empty());
    }

    /** The chain that signs at {@code now}: the next one once its activation time has come. */
    public Optional<String> signingAt(Instant now) {
        return activated(now) ? next : current;
    }

    /** The chain published ahead of its activation, while that is still in the future. */
    public Optional<String> pendingAt(Instant now) {
        return next.isPresent() && !activated(now) ? next : Optional.empty();
    }

    /** The same state with a due activation carried out. */
    public SigningState settled(Instant now) {
        return activated(now)
                ? new SigningState(
                        next, Optional.empty(), Optional.empty(), lifetime, previousLifetime, lifetimeChangedAt)
                : this;
    }

    /** The longest lifetime a still-valid token may have been issued with. */
    public Duration longestLifetimeInForce(Instant now) {
        boolean previousInForce = lifetimeChangedAt.isPresent()
                && lifetimeChangedAt.get().plus(previousLifetime).isAfter(now);
        return previousInForce && previousLifetime.compareTo(lifetime) > 0 ? previousLifetime : lifetime;
    }

    /** The same state with tokens living {@code newLifetime} from {@code now} on. */
    public SigningState withLifetime(Duration newLifetime, Instant now) {
        if (newLifetime.equals(lifetime)) {
            return this;
        }
        return new SigningState(current, next, activateAt, newLifetime, longestLifetimeInForce(now), Optional.of(now));
    }

    public SigningState withSigning(Optional<String> chainId) {
        return new SigningState(
                chainId, Optional.empty(), Optional.empty(), lifetime, previousLifetime, lifetimeChangedAt);
    }

    public SigningState withNext(String chainId, Instant at) {
        return new SigningState(
                current, Optional.of(chainId), Optional.of(at), lifetime, previousLifetime, lifetimeChangedAt);
    }

    private boolean activated(Instant now) {
        return next.isPresent() && activateAt.isPresent() && !activateAt.get().isAfter(now);
    }
}
