package io.certdesk.server.webhooks;

import java.util.Arrays;
import java.util.Optional;

/** What a webhook event tells of; {@link #wireName()} is its {@code type} on the wire and never changes. */
public enum EventType {
    CERTIFICATE_EXPIRING("certificate.expiring"),
    CERTIFICATE_EXPIRED("certificate.expired"),
    CHAIN_RENEWED("chain.renewed"),
    CHAIN_RENEWAL_FAILED("chain.renewal_failed"),
    CHAIN_REVOKED("chain.revoked"),
    CHAIN_IMPORTED("chain.imported"),
    CHAIN_DELETED("chain.deleted"),
    SIGNING_KEY_ACTIVATED("signing_key.activated"),
    /** Sent to one endpoint by its test action; every endpoint receives it, subscribed or not. */
    WEBHOOK_PING("webhook.ping");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> ofWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
