package io.certdesk.server.expiry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which expiry notice a certificate is due at an instant, and when the next one is: one
 * {@code certificate.expiring} per threshold crossed (the smallest, when several were crossed
 * since the last look), then one {@code certificate.expired} at its end. Pure.
 */
public final class NoticeSchedule {
    /** The threshold told of an end itself. */
    public static final int ENDED = 0;

    private NoticeSchedule() {}

    /**
     * @param send the threshold to tell now ({@link #ENDED}: it has ended), if any
     * @param last the smallest threshold told after this step
     * @param next when the next notice is due (empty: none, its end was told)
     */
    public record Step(Optional<Integer> send, Optional<Integer> last, Optional<Instant> next) {}

    public static Step at(List<Integer> thresholds, Instant notAfter, Instant now, Optional<Integer> lastSent) {
        if (lastSent.filter(t -> t == ENDED).isPresent()) {
            return new Step(Optional.empty(), lastSent, Optional.empty());
        }
        if (!now.isBefore(notAfter)) {
            return new Step(Optional.of(ENDED), Optional.of(ENDED), Optional.empty());
        }
        Optional<Integer> crossed = thresholds.stream()
                .filter(t -> t > 0 && lastSent.map(l -> t < l).orElse(true))
                .filter(t -> !now.isBefore(notAfter.minus(Duration.ofDays(t))))
                .min(Integer::compare);
        Optional<Integer> last = crossed.isPresent() ? crossed : lastSent;
        Instant next = thresholds.stream()
                .filter(t -> t > 0 && last.map(l -> t < l).orElse(true))
                .map(t -> notAfter.minus(Duration.ofDays(t)))
                .filter(at -> at.isAfter(now))
                .min(Instant::compareTo)
                .orElse(notAfter);
        return new Step(crossed, last, Optional.of(next));
    }
}
