package io.certdesk.server.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Writes webhook events in the transaction of the change they tell of, with a delivery to each
 * endpoint that subscribes: the change and its event commit together or not at all, and the
 * delivery worker (woken after the commit) sends it at least once.
 */
public final class Outbox {
    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final WebhookStore store;
    private final Clock clock;
    private final Runnable committed;

    /** {@code committed} runs after each transaction that wrote an event commits (it wakes the delivery). */
    public Outbox(WebhookStore store, Clock clock, Runnable committed) {
        this.store = store;
        this.clock = clock;
        this.committed = committed;
    }

    /**
     * An event of the account (empty: of the platform itself) to every endpoint that subscribes to
     * {@code type}; nothing is written when none does. Returns the event's id, when written.
     */
    public Optional<String> publish(Handle h, Optional<String> accountId, EventType type, Map<String, ?> data) {
        List<String> endpoints = store.subscribers(h, accountId, type);
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(write(h, accountId, type, data, endpoints));
    }

    /** An event to one endpoint, whatever it subscribes to (its test ping). */
    public String publishTo(Handle h, Webhook hook, EventType type, Map<String, ?> data) {
        return write(h, hook.accountId(), type, data, List.of(hook.id()));
    }

    private String write(
            Handle h, Optional<String> accountId, EventType type, Map<String, ?> data, List<String> endpoints) {
        Instant now = clock.instant();
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("type", type.wireName());
        payload.put("timestamp", now.truncatedTo(ChronoUnit.MILLIS));
        Map<String, Object> body = new LinkedHashMap<>();
        accountId.ifPresent(a -> body.put("accountId", a));
        body.putAll(data);
        payload.put("data", body);
        String json;
        try {
            json = JSON.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event that cannot be written as JSON", e);
        }
        store.insertEvent(h, id, accountId, type, json, now);
        store.insertDeliveries(h, id, endpoints, now);
        h.afterCommit(committed);
        return id;
    }
}
