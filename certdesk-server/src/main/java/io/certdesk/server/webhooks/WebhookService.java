package io.certdesk.server.webhooks;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.outbound.WebhookPoster;
import io.certdesk.server.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An account's webhook endpoints (or the platform admin's, with no account): registered with the
 * events they receive and a signing secret shown once, listed, deleted, pinged, and their
 * delivery log.
 */
public final class WebhookService {
    public static final int MAX_PER_ACCOUNT = 10;
    public static final int MAX_URL = 2000;
    public static final int MAX_DESCRIPTION = 200;
    public static final int MAX_LOG = 200;

    private final Database database;
    private final WebhookStore store;
    private final Outbox outbox;
    private final KeyVault vault;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public WebhookService(
            Database database,
            WebhookStore store,
            Outbox outbox,
            KeyVault vault,
            Access access,
            AuditLog audit,
            Clock clock,
            SecureRandom random) {
        this.database = database;
        this.store = store;
        this.outbox = outbox;
        this.vault = vault;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** A registered endpoint with its secret, shown in this answer only. */
    public record Created(Webhook webhook, String secret) {}

    /** What a registration asks for. */
    public record Request(String url, List<String> events, String description) {}

    /** Registers an endpoint of the account (empty: the platform's; platform admin only). */
    public Created create(Principal actor, Optional<String> accountId, Request request) {
        Optional<String> owner = owner(actor, accountId);
        String url = request.url() == null ? "" : request.url().strip();
        if (url.isEmpty() || url.length() > MAX_URL) {
            throw ServiceException.invalid("url", "url is an https:// URL of at most " + MAX_URL + " characters.");
        }
        WebhookPoster.refusal(url).ifPresent(why -> {
            throw ServiceException.invalid("url", "The url cannot be a webhook endpoint: " + why + ".");
        });
        Set<EventType> events = events(request.events());
        String description =
                request.description() == null ? null : request.description().strip();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ServiceException.invalid("description", "description is at most " + MAX_DESCRIPTION + " characters.");
        }
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            String secret = StandardWebhooks.secretText(key);
            return database.inTransaction(h -> {
                if (store.count(h, owner) >= MAX_PER_ACCOUNT) {
                    throw ServiceException.invalid(
                            "url",
                            "An account has at most " + MAX_PER_ACCOUNT + " webhook endpoints; delete one first.");
                }
                Webhook hook = new Webhook(
                        UUID.randomUUID().toString(),
                        owner,
                        url,
                        events,
                        Optional.ofNullable(description).filter(d -> !d.isEmpty()),
                        vault.putSecret(h, owner.orElse(null), key),
                        clock.instant());
                store.insert(h, hook);
                audit.record(
                        h,
                        actor.username(),
                        owner.orElse(null),
                        AuditAction.WEBHOOK_CREATED,
                        url + " for "
                                + events.stream()
                                        .map(EventType::wireName)
                                        .sorted()
                                        .toList());
                return new Created(hook, secret);
            });
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public List<Webhook> list(Principal actor, Optional<String> accountId) {
        Optional<String> owner = owner(actor, accountId);
        return database.read(h -> store.of(h, owner));
    }

    public void delete(Principal actor, Optional<String> accountId, String webhookId) {
        Optional<String> owner = owner(actor, accountId);
        database.inTransaction(h -> {
            Webhook hook = store.find(h, owner, webhookId)
                    .orElseThrow(() -> ServiceException.notFound("Webhook " + webhookId));
            store.delete(h, hook);
            audit.record(h, actor.username(), owner.orElse(null), AuditAction.WEBHOOK_DELETED, hook.url());
            return null;
        });
    }

    /** Sends a {@code webhook.ping} event to the endpoint; returns its id (see the delivery log for how it went). */
    public String ping(Principal actor, Optional<String> accountId, String webhookId) {
        Optional<String> owner = owner(actor, accountId);
        return database.inTransaction(h -> {
            Webhook hook = store.find(h, owner, webhookId)
                    .orElseThrow(() -> ServiceException.notFound("Webhook " + webhookId));
            return outbox.publishTo(
                    h, hook, EventType.WEBHOOK_PING, Map.of("webhookId", hook.id(), "by", actor.username()));
        });
    }

    public List<Delivery> deliveries(Principal actor, Optional<String> accountId, String webhookId, int limit) {
        Optional<String> owner = owner(actor, accountId);
        return database.read(h -> {
            Webhook hook = store.find(h, owner, webhookId)
                    .orElseThrow(() -> ServiceException.notFound("Webhook " + webhookId));
            return store.deliveries(h, hook.id(), Math.max(1, Math.min(MAX_LOG, limit)));
        });
    }

    private Optional<String> owner(Principal actor, Optional<String> accountId) {
        if (accountId.isPresent()) {
            return Optional.of(access.visibleAccount(actor, accountId.get()).id());
        }
        if (!actor.isPlatformAdmin()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "Only the platform admin manages the platform's webhooks.");
        }
        return Optional.empty();
    }

    private static Set<EventType> events(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw ServiceException.invalid(
                    "events",
                    "Give the events to receive, of: "
                            + Arrays.stream(EventType.values())
                                    .filter(t -> t != EventType.WEBHOOK_PING)
                                    .map(EventType::wireName)
                                    .toList()
                            + ".");
        }
        Set<EventType> events = EnumSet.noneOf(EventType.class);
        for (String name : names) {
            EventType type = EventType.ofWireName(name == null ? "" : name)
                    .filter(t -> t != EventType.WEBHOOK_PING)
                    .orElseThrow(() -> ServiceException.invalid(
                            "events",
                            "'" + name + "' is not an event; the events are "
                                    + Arrays.stream(EventType.values())
                                            .filter(t -> t != EventType.WEBHOOK_PING)
                                            .map(EventType::wireName)
                                            .toList()
                                    + "."));
            events.add(type);
        }
        return events;
    }
}
