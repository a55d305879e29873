package io.certdesk.server.webhooks;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** An endpoint that receives events: an account's, or the platform admin's ({@code accountId} empty). */
public record Webhook(
        String id,
        Optional<String> accountId,
        String url,
        Set<EventType> events,
        Optional<String> description,
        String secretKeyId,
        Instant createdAt) {
    public Webhook {
        events = Set.copyOf(events);
    }
}
