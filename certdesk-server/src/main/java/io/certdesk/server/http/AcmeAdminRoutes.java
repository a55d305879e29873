package io.certdesk.server.http;

import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.acme.AcmeAdminService;
import io.certdesk.server.acme.AcmeRecords.AcmeSettings;
import io.certdesk.server.acme.AcmeRecords.EabKey;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An account's ACME directory as its admins set it up: EAB credentials and whether its domains count as validated. */
final class AcmeAdminRoutes {
    private static final String BASE = "/api/v1/accounts/{id}/acme";
    private final AcmeAdminService admin;
    private final Requests requests;

    AcmeAdminRoutes(AcmeAdminService admin, Requests requests) {
        this.admin = admin;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post(BASE + "/eab", RouteAccess.SIGNED_IN, this::create);
        routes.get(BASE + "/eab", RouteAccess.signedInOrToken(ApiScope.PKI_SETTINGS_READ), this::list);
        routes.delete(BASE + "/eab/{keyId}", RouteAccess.SIGNED_IN, this::delete);
        routes.get(BASE + "/settings", RouteAccess.signedInOrToken(ApiScope.PKI_SETTINGS_READ), this::settings);
        routes.put(BASE + "/settings", RouteAccess.SIGNED_IN, this::putSettings);
    }

    record CreateBody(String description) {}

    record CredentialJson(
            String keyId,
            String description,
            Instant createdAt,
            Instant boundAt,
            String acmeAccountId,
            String hmacKey,
            String directory) {
        static CredentialJson of(EabKey k, Optional<String> hmacKey, String directory) {
            return new CredentialJson(
                    k.keyId(),
                    k.description().orElse(null),
                    k.createdAt(),
                    k.boundAt().orElse(null),
                    k.acmeAccountId().orElse(null),
                    hmacKey.orElse(null),
                    directory);
        }
    }

    record CredentialList(List<CredentialJson> credentials, String directory) {}

    record SettingsJson(Boolean domainsPrevalidated, Integer ordersPerHour, String directory) {
        static SettingsJson of(AcmeSettings s, String directory) {
            return new SettingsJson(s.domainsPrevalidated(), s.ordersPerHour(), directory);
        }
    }

    private static String directory(Context ctx) {
        return "https://" + Optional.ofNullable(ctx.header("Host")).orElse("localhost") + "/acme/" + ctx.pathParam("id")
                + "/directory";
    }

    private void create(Context ctx) {
        Principal actor = Requests.caller(ctx);
        CreateBody body = ctx.bodyAsBytes().length == 0 ? new CreateBody(null) : requests.body(ctx, CreateBody.class);
        AcmeAdminService.NewCredential created =
                admin.createEab(actor, ctx.pathParam("id"), Optional.ofNullable(body.description()));
        ctx.status(201)
                .header("Cache-Control", "no-store")
                .json(CredentialJson.of(created.credential(), Optional.of(created.hmacKey()), directory(ctx)));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new CredentialList(
                admin.listEab(actor, ctx.pathParam("id")).stream()
                        .map(k -> CredentialJson.of(k, Optional.empty(), null))
                        .toList(),
                directory(ctx)));
    }

    private void delete(Context ctx) {
        Principal actor = Requests.caller(ctx);
        admin.deleteEab(actor, ctx.pathParam("id"), ctx.pathParam("keyId"));
        ctx.status(204);
    }

    private void settings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(SettingsJson.of(admin.settings(actor, ctx.pathParam("id")), directory(ctx)));
    }

    private void putSettings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        admin.settings(actor, ctx.pathParam("id")); // another account's: not found, whatever the body
        SettingsJson body = requests.body(ctx, SettingsJson.class);
        if (body.domainsPrevalidated() == null && body.ordersPerHour() == null) {
            throw io.certdesk.server.ServiceException.invalid(
                    "domainsPrevalidated", "Give domainsPrevalidated (true or false), ordersPerHour, or both.");
        }
        ctx.json(SettingsJson.of(
                admin.updateSettings(
                        actor,
                        ctx.pathParam("id"),
                        Optional.ofNullable(body.domainsPrevalidated()),
                        Optional.ofNullable(body.ordersPerHour())),
                directory(ctx)));
    }
}
