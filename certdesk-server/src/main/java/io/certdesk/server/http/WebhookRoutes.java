package io.certdesk.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.certdesk.server.access.Principal;
import io.certdesk.server.webhooks.Delivery;
import io.certdesk.server.webhooks.EventType;
import io.certdesk.server.webhooks.Webhook;
import io.certdesk.server.webhooks.WebhookService;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhook endpoints of an account, and of the platform for its admin. */
final class WebhookRoutes {
    private static final String ACCOUNT = "/api/v1/accounts/{id}/webhooks";
    private static final String PLATFORM = "/api/v1/platform/webhooks";
    private final WebhookService webhooks;
    private final Requests requests;

    WebhookRoutes(WebhookService webhooks, Requests requests) {
        this.webhooks = webhooks;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        for (String base : List.of(ACCOUNT, PLATFORM)) {
            routes.post(base, RouteAccess.SIGNED_IN, this::create);
            routes.get(base, RouteAccess.SIGNED_IN, this::list);
            routes.delete(base + "/{webhookId}", RouteAccess.SIGNED_IN, this::delete);
            routes.post(base + "/{webhookId}/ping", RouteAccess.SIGNED_IN, this::ping);
            routes.get(base + "/{webhookId}/deliveries", RouteAccess.SIGNED_IN, this::deliveries);
        }
    }

    record CreateBody(String url, List<String> events, String description) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WebhookJson(
            String id,
            String accountId,
            String url,
            List<String> events,
            String description,
            Instant createdAt,
            String secret) {
        static WebhookJson of(Webhook w, String secret) {
            return new WebhookJson(
                    w.id(),
                    w.accountId().orElse(null),
                    w.url(),
                    w.events().stream().map(EventType::wireName).sorted().toList(),
                    w.description().orElse(null),
                    w.createdAt(),
                    secret);
        }
    }

    record WebhookList(List<WebhookJson> webhooks) {}

    record Ping(String eventId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DeliveryJson(
            String eventId,
            String type,
            Instant createdAt,
            String status,
            int attempts,
            Instant lastAttemptAt,
            Integer lastStatus,
            String lastError,
            Instant nextAttemptAt,
            Instant deliveredAt) {
        static DeliveryJson of(Delivery d) {
            return new DeliveryJson(
                    d.eventId(),
                    d.type(),
                    d.createdAt(),
                    d.status().name(),
                    d.attempts(),
                    d.lastAttemptAt().orElse(null),
                    d.lastStatus().orElse(null),
                    d.lastError().orElse(null),
                    d.nextAttemptAt().orElse(null),
                    d.deliveredAt().orElse(null));
        }
    }

    record DeliveryList(List<DeliveryJson> deliveries) {}

    private static Optional<String> account(Context ctx) {
        return ctx.pathParamMap().containsKey("id") ? Optional.of(ctx.pathParam("id")) : Optional.empty();
    }

    private void create(Context ctx) {
        Principal actor = Requests.caller(ctx);
        webhooks.list(actor, account(ctx)); // who may not see the account gets its 404 (or 403) whatever the body
        CreateBody body = requests.body(ctx, CreateBody.class);
        WebhookService.Created created = webhooks.create(
                actor, account(ctx), new WebhookService.Request(body.url(), body.events(), body.description()));
        ctx.status(201).json(WebhookJson.of(created.webhook(), created.secret()));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new WebhookList(webhooks.list(actor, account(ctx)).stream()
                .map(w -> WebhookJson.of(w, null))
                .toList()));
    }

    private void delete(Context ctx) {
        Principal actor = Requests.caller(ctx);
        webhooks.delete(actor, account(ctx), ctx.pathParam("webhookId"));
        ctx.status(204);
    }

    private void ping(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.status(202).json(new Ping(webhooks.ping(actor, account(ctx), ctx.pathParam("webhookId"))));
    }

    private void deliveries(Context ctx) {
        Principal actor = Requests.caller(ctx);
        int limit = (int) Requests.longQuery(ctx, "limit", 50);
        ctx.json(new DeliveryList(webhooks.deliveries(actor, account(ctx), ctx.pathParam("webhookId"), limit).stream()
                .map(DeliveryJson::of)
                .toList()));
    }
}
