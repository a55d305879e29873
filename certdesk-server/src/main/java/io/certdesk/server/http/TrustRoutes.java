package io.certdesk.server.http;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.trust.Revocation;
import io.certdesk.server.trust.TrustSettings;
import io.certdesk.server.trust.TrustSettingsService;
import io.certdesk.server.trust.TrustedCaService;
import io.javalin.http.Context;
import java.util.Optional;

/** An account's trust: its trusted CA certificates (shared with its customers or not) and its outbound trust settings. */
final class TrustRoutes {
    private static final String BASE = "/api/v1/accounts/{id}/trusted-cas";
    private static final String SETTINGS = "/api/v1/accounts/{id}/trust-settings";
    private final TrustedCaService trustedCas;
    private final TrustSettingsService settings;
    private final Requests requests;

    TrustRoutes(TrustedCaService trustedCas, TrustSettingsService settings, Requests requests) {
        this.trustedCas = trustedCas;
        this.settings = settings;
        this.requests = requests;
    }

    record SettingsBody(String revocation, Boolean includePublicRoots) {}

    record SettingsJson(String revocation, boolean includePublicRoots) {
        static SettingsJson of(TrustSettings s) {
            return new SettingsJson(s.revocation().name(), s.includePublicRoots());
        }
    }

    void register(RouteTable routes) {
        routes.post(BASE, RouteAccess.SIGNED_IN, this::importFile);
        routes.get(BASE, RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::list);
        routes.get(BASE + "/{certId}", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::get);
        routes.get(BASE + "/{certId}/pem", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::pem);
        routes.delete(BASE + "/{certId}", RouteAccess.SIGNED_IN, this::delete);
        routes.patch(BASE + "/{certId}", RouteAccess.SIGNED_IN, this::share);
        routes.get(SETTINGS, RouteAccess.SIGNED_IN, this::settings);
        routes.put(SETTINGS, RouteAccess.SIGNED_IN, this::changeSettings);
    }

    private void settings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(SettingsJson.of(settings.settings(actor, ctx.pathParam("id"))));
    }

    private void changeSettings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        settings.requireVisible(actor, ctx.pathParam("id")); // another account's: not found, whatever the body
        SettingsBody body = requests.body(ctx, SettingsBody.class);
        Revocation revocation = Inputs.requiredEnum(Revocation.class, body.revocation(), "revocation");
        if (body.includePublicRoots() == null) {
            throw ServiceException.invalid("includePublicRoots", "includePublicRoots (true or false) is required.");
        }
        ctx.json(SettingsJson.of(
                settings.change(actor, ctx.pathParam("id"), new TrustSettings(revocation, body.includePublicRoots()))));
    }

    private void importFile(Context ctx) {
        Principal actor = Requests.caller(ctx);
        byte[] file = Uploads.file(ctx, "file", CertificateFiles.MAX_FILE_BYTES);
        TrustedCaService.ImportOutcome outcome = trustedCas.importFile(actor, ctx.pathParam("id"), file);
        ctx.status(201).json(Dto.TrustedCaImport.of(outcome));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        int limit = (int) Requests.longQuery(ctx, "limit", 100);
        TrustedCaService.Page page =
                trustedCas.list(actor, ctx.pathParam("id"), Optional.ofNullable(ctx.queryParam("after")), limit);
        ctx.json(new Dto.TrustedCaList(
                page.certificates().stream().map(Dto.TrustedCaJson::of).toList(),
                page.next().orElse(null)));
    }

    private void get(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(Dto.TrustedCaJson.of(trustedCas.get(actor, ctx.pathParam("id"), ctx.pathParam("certId"))));
    }

    private void pem(Context ctx) {
        Principal actor = Requests.caller(ctx);
        byte[] der = trustedCas.der(actor, ctx.pathParam("id"), ctx.pathParam("certId"));
        ctx.contentType("application/x-pem-file")
                .header("Content-Disposition", "attachment; filename=\"" + ctx.pathParam("certId") + ".pem\"")
                .result(PemCodec.writeCertificatePem(CertificateCodec.decodeDer(der)));
    }

    /** {@code {"shareWithCustomers": true|false}}: a vendor's certificate trusted by its customers' outbound connections too. */
    private void share(Context ctx) {
        Principal actor = Requests.caller(ctx);
        trustedCas.get(
                actor, ctx.pathParam("id"), ctx.pathParam("certId")); // another account's: not found, whatever the body
        Dto.TrustedCaChange change = requests.body(ctx, Dto.TrustedCaChange.class);
        if (change.shareWithCustomers() == null) {
            throw new ServiceException(ErrorCode.VALIDATION_FAILED, "shareWithCustomers (true or false) is required.");
        }
        ctx.json(Dto.TrustedCaJson.of(
                trustedCas.share(actor, ctx.pathParam("id"), ctx.pathParam("certId"), change.shareWithCustomers())));
    }

    private void delete(Context ctx) {
        Principal actor = Requests.caller(ctx);
        trustedCas.delete(actor, ctx.pathParam("id"), ctx.pathParam("certId"));
        ctx.status(204);
    }
}
