package io.certdesk.server.chains;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How an account's chains live: whether generated chains renew themselves and when (at a
 * percentage of their lifetime, or a number of days before they end), and how many days before
 * an end the account is told (one {@code certificate.expiring} event per threshold). Pure.
 */
public record LifecycleSettings(
        boolean autoRenew,
        Optional<Integer> renewAtPercent,
        Optional<Integer> renewDaysBefore,
        List<Integer> expiryNoticeDays) {
    public static final int DEFAULT_PERCENT = 67;
    public static final List<Integer> DEFAULT_NOTICE_DAYS = List.of(30, 14, 7, 1);
    public static final int MAX_DAYS_BEFORE = 365;
    public static final int MAX_NOTICES = 8;

    public LifecycleSettings {
        expiryNoticeDays = expiryNoticeDays.stream()
                .distinct()
                .sorted(java.util.Comparator.reverseOrder())
                .toList();
        if (renewAtPercent.isPresent() == renewDaysBefore.isPresent()) {
            throw new IllegalArgumentException("renew at a percentage or days before the end, one of the two");
        }
    }

    public static LifecycleSettings defaults() {
        return new LifecycleSettings(true, Optional.of(DEFAULT_PERCENT), Optional.empty(), DEFAULT_NOTICE_DAYS);
    }

    /**
     * When a chain valid from {@code notBefore} to {@code notAfter} is renewed automatically:
     * empty when automatic renewal is off. Days before the end that reach back past half of its
     * life renew it at two thirds of its life instead (a short chain is not renewed at once, over
     * and over).
     */
    public Optional<Instant> renewAt(Instant notBefore, Instant notAfter) {
        if (!autoRenew) {
            return Optional.empty();
        }
        Duration life = Duration.between(notBefore, notAfter);
        if (renewAtPercent.isPresent()) {
            return Optional.of(
                    notBefore.plus(life.multipliedBy(renewAtPercent.get()).dividedBy(100)));
        }
        Instant at = notAfter.minus(Duration.ofDays(renewDaysBefore.orElseThrow()));
        return Optional.of(
                at.isBefore(notBefore.plus(life.dividedBy(2)))
                        ? notBefore.plus(life.multipliedBy(2).dividedBy(3))
                        : at);
    }
}
