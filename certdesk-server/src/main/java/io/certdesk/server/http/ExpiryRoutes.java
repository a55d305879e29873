package io.certdesk.server.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.expiry.ExpiringItem;
import io.certdesk.server.expiry.ExpiryService;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What ends soon: of an account, and across the platform for its admin. */
final class ExpiryRoutes {
    private final ExpiryService expiry;

    ExpiryRoutes(ExpiryService expiry) {
        this.expiry = expiry;
    }

    void register(RouteTable routes) {
        routes.get(
                "/api/v1/accounts/{id}/expiring",
                RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ),
                this::ofAccount);
        routes.get("/api/v1/platform/expiring", RouteAccess.SIGNED_IN, this::platform);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ItemJson(
            String kind,
            String accountId,
            String id,
            Integer position,
            String subject,
            String sha256,
            Instant notAfter,
            boolean expired,
            long daysLeft,
            String origin,
            List<String> purposes,
            List<String> servesDomains,
            String signingRole,
            Instant renewAt) {
        static ItemJson of(ExpiringItem i, Instant now) {
            return new ItemJson(
                    i.kind().name(),
                    i.accountId().orElse(null),
                    i.id(),
                    i.kind() == ExpiringItem.Kind.CHAIN_CERTIFICATE ? i.position() : null,
                    i.subject(),
                    i.sha256(),
                    i.notAfter(),
                    !i.notAfter().isAfter(now),
                    i.daysLeft(now),
                    i.origin().orElse(null),
                    i.purposes().isEmpty() ? null : i.purposes(),
                    i.servesDomains().isEmpty() ? null : i.servesDomains(),
                    i.signingRole().orElse(null),
                    i.renewAt().orElse(null));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ListingJson(Instant until, int count, List<ItemJson> items, String next) {}

    private void ofAccount(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ExpiryService.Listing listing = expiry.ofAccount(
                actor, ctx.pathParam("id"), ExpiryService.window(Optional.ofNullable(ctx.queryParam("within"))));
        ctx.json(render(listing));
    }

    private void platform(Context ctx) {
        Principal actor = Requests.caller(ctx);
        int limit = (int) Math.max(1, Math.min(ExpiryService.MAX_PAGE, Requests.longQuery(ctx, "limit", 100)));
        ExpiryService.Listing listing = expiry.platform(
                actor,
                ExpiryService.window(Optional.ofNullable(ctx.queryParam("within"))),
                Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isBlank()),
                limit);
        ctx.json(render(listing));
    }

    private ListingJson render(ExpiryService.Listing listing) {
        Instant now = listing.at();
        return new ListingJson(
                listing.until(),
                listing.items().size(),
                listing.items().stream().map(i -> ItemJson.of(i, now)).toList(),
                listing.next().orElse(null));
    }
}
