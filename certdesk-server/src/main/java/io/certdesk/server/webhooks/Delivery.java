package io.certdesk.server.webhooks;

import java.time.Instant;
import java.util.Optional;

/** One event's delivery to one endpoint, as the delivery log shows it. */
public record Delivery(
        long seq,
        String eventId,
        String webhookId,
        String type,
        Instant createdAt,
        Status status,
        int attempts,
        Optional<Instant> nextAttemptAt,
        Optional<Instant> lastAttemptAt,
        Optional<Integer> lastStatus,
        Optional<String> lastError,
        Optional<Instant> deliveredAt) {
    public enum Status {
        PENDING,
        DELIVERED,
        /** Every attempt of the schedule failed (over a day); not tried again. */
        FAILED
    }
}
