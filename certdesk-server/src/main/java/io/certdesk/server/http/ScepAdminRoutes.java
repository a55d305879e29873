package io.certdesk.server.http;

import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.scep.ScepAdminService;
import io.certdesk.server.scep.ScepRecords.ForeignNames;
import io.certdesk.server.scep.ScepRecords.PasswordKind;
import io.certdesk.server.scep.ScepRecords.RequestStatus;
import io.certdesk.server.scep.ScepRecords.ScepPassword;
import io.certdesk.server.scep.ScepRecords.ScepSettings;
import io.certdesk.server.scep.ScepRecords.ScepTransaction;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An account's SCEP enrollment as its admins set it up: settings, challenge passwords, held requests. */
final class ScepAdminRoutes {
    private static final String BASE = "/api/v1/accounts/{id}/scep";
    private final ScepAdminService admin;
    private final Requests requests;

    ScepAdminRoutes(ScepAdminService admin, Requests requests) {
        this.admin = admin;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.get(BASE + "/settings", RouteAccess.signedInOrToken(ApiScope.PKI_SETTINGS_READ), this::settings);
        routes.put(BASE + "/settings", RouteAccess.SIGNED_IN, this::putSettings);
        routes.post(BASE + "/passwords", RouteAccess.SIGNED_IN, this::createPassword);
        routes.get(BASE + "/passwords", RouteAccess.signedInOrToken(ApiScope.PKI_SETTINGS_READ), this::passwords);
        routes.delete(BASE + "/passwords/{passwordId}", RouteAccess.SIGNED_IN, this::deletePassword);
        routes.get(BASE + "/requests", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::listRequests);
        routes.post(BASE + "/requests/{requestId}/approve", RouteAccess.SIGNED_IN, this::approve);
        routes.post(BASE + "/requests/{requestId}/reject", RouteAccess.SIGNED_IN, this::reject);
    }

    record Urls(String scep, String ndes) {}

    record SettingsJson(Boolean enabled, String profile, Integer validityDays, String foreignNames, Urls urls) {
        static SettingsJson of(ScepSettings s, Optional<ScepAdminService.Urls> urls) {
            return new SettingsJson(
                    s.enabled(),
                    s.profile().name(),
                    s.validityDays(),
                    s.foreignNames().name(),
                    urls.map(u -> new Urls(u.scep(), u.ndes())).orElse(null));
        }
    }

    record PasswordBody(String kind, Long validMinutes, String label) {}

    record PasswordJson(
            String id,
            String kind,
            String label,
            String createdBy,
            Instant createdAt,
            Instant expiresAt,
            Instant usedAt,
            String password) {
        static PasswordJson of(ScepPassword p, Optional<String> secret) {
            return new PasswordJson(
                    p.id(),
                    p.kind().name(),
                    p.label().orElse(null),
                    p.createdBy(),
                    p.createdAt(),
                    p.expiresAt().orElse(null),
                    p.usedAt().orElse(null),
                    secret.orElse(null));
        }
    }

    record PasswordList(List<PasswordJson> passwords) {}

    record RequestJson(
            String id,
            String transactionId,
            String kind,
            String status,
            String subject,
            List<String> dnsNames,
            String serial,
            String reason,
            Instant createdAt,
            Instant decidedAt,
            String decidedBy) {
        static RequestJson of(ScepTransaction t) {
            return new RequestJson(
                    t.id(),
                    t.transactionId(),
                    t.kind().name(),
                    t.status().name(),
                    t.subject(),
                    t.dnsNames(),
                    t.serial().orElse(null),
                    t.reason().orElse(null),
                    t.createdAt(),
                    t.decidedAt().orElse(null),
                    t.decidedBy().orElse(null));
        }
    }

    record RequestList(List<RequestJson> requests) {}

    record RejectBody(String reason) {}

    private void settings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        String id = ctx.pathParam("id");
        ctx.json(SettingsJson.of(admin.settings(actor, id), admin.urls(id)));
    }

    private void putSettings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        String id = ctx.pathParam("id");
        admin.settings(actor, id); // another account's: not found, whatever the body
        SettingsJson body = requests.body(ctx, SettingsJson.class);
        if (body.enabled() == null
                && body.profile() == null
                && body.validityDays() == null
                && body.foreignNames() == null) {
            throw ServiceException.invalid(
                    "enabled", "Give at least one of enabled, profile, validityDays and foreignNames.");
        }
        ctx.json(SettingsJson.of(
                admin.updateSettings(
                        actor,
                        id,
                        Optional.ofNullable(body.enabled()),
                        Optional.ofNullable(Inputs.enumValue(DeviceProfile.class, body.profile(), "profile")),
                        Optional.ofNullable(body.validityDays()),
                        Optional.ofNullable(Inputs.enumValue(ForeignNames.class, body.foreignNames(), "foreignNames"))),
                admin.urls(id)));
    }

    private void createPassword(Context ctx) {
        Principal actor = Requests.caller(ctx);
        admin.settings(actor, ctx.pathParam("id"));
        PasswordBody body = ctx.bodyAsBytes().length == 0
                ? new PasswordBody(null, null, null)
                : requests.body(ctx, PasswordBody.class);
        PasswordKind kind = Optional.ofNullable(Inputs.enumValue(PasswordKind.class, body.kind(), "kind"))
                .orElse(PasswordKind.ONE_TIME);
        ScepAdminService.NewPassword created = admin.createPassword(
                actor,
                ctx.pathParam("id"),
                kind,
                Optional.ofNullable(body.validMinutes()).map(Duration::ofMinutes),
                Optional.ofNullable(body.label()));
        ctx.status(201)
                .header("Cache-Control", "no-store")
                .json(PasswordJson.of(created.password(), Optional.of(created.secret())));
    }

    private void passwords(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new PasswordList(admin.passwords(actor, ctx.pathParam("id")).stream()
                .map(p -> PasswordJson.of(p, Optional.empty()))
                .toList()));
    }

    private void deletePassword(Context ctx) {
        Principal actor = Requests.caller(ctx);
        admin.deletePassword(actor, ctx.pathParam("id"), ctx.pathParam("passwordId"));
        ctx.status(204);
    }

    private void listRequests(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Optional<RequestStatus> status =
                Optional.ofNullable(Inputs.enumValue(RequestStatus.class, ctx.queryParam("status"), "status"));
        int limit = (int) Math.max(
                1, Math.min(ScepAdminService.MAX_LIST, Requests.longQuery(ctx, "limit", ScepAdminService.MAX_LIST)));
        ctx.json(new RequestList(admin.requests(actor, ctx.pathParam("id"), status, limit).stream()
                .map(RequestJson::of)
                .toList()));
    }

    private void approve(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(RequestJson.of(admin.approve(actor, ctx.pathParam("id"), ctx.pathParam("requestId"))));
    }

    private void reject(Context ctx) {
        Principal actor = Requests.caller(ctx);
        admin.settings(actor, ctx.pathParam("id"));
        RejectBody body = ctx.bodyAsBytes().length == 0 ? new RejectBody(null) : requests.body(ctx, RejectBody.class);
        ctx.json(RequestJson.of(admin.reject(
                actor, ctx.pathParam("id"), ctx.pathParam("requestId"), Optional.ofNullable(body.reason()))));
    }
}
