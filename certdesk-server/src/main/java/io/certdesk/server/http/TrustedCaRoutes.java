package io.certdesk.server.http;

import java.util.Optional;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.certs.TrustedCaService;
import io.javalin.http.Context;

/** The Certificates tab's trusted CA certificates. */
final class TrustedCaRoutes {
    private static final String BASE = "/api/v1/accounts/{id}/trusted-cas";
    private final TrustedCaService trustedCas;
    private final Requests requests;

    TrustedCaRoutes(TrustedCaService trustedCas, Requests requests) {
        this.trustedCas = trustedCas;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post(BASE, this::importFile);
        routes.get(BASE, this::list);
        routes.get(BASE + "/{certId}", this::get);
        routes.get(BASE + "/{certId}/pem", this::pem);
        routes.delete(BASE + "/{certId}", this::delete);
        routes.patch(BASE + "/{certId}", this::share);
    }

    private void importFile(Context ctx) {
        Principal actor = requests.principal(ctx);
        byte[] file = Uploads.file(ctx, "file", CertificateFiles.MAX_FILE_BYTES);
        TrustedCaService.ImportOutcome outcome = trustedCas.importFile(actor, ctx.pathParam("id"), file);
        ctx.status(201).json(Dto.TrustedCaImport.of(outcome));
    }

    private void list(Context ctx) {
        Principal actor = requests.reader(ctx, ApiScope.CERTIFICATES_READ);
        int limit = (int) Requests.longQuery(ctx, "limit", 100);
        TrustedCaService.Page page = trustedCas.list(actor, ctx.pathParam("id"), Optional.ofNullable(ctx.queryParam("after")), limit);
        ctx.json(new Dto.TrustedCaList(page.certificates().stream().map(Dto.TrustedCaJson::of).toList(), page.next().orElse(null)));
    }

    private void get(Context ctx) {
        Principal actor = requests.reader(ctx, ApiScope.CERTIFICATES_READ);
        ctx.json(Dto.TrustedCaJson.of(trustedCas.get(actor, ctx.pathParam("id"), ctx.pathParam("certId"))));
    }

    private void pem(Context ctx) {
        Principal actor = requests.reader(ctx, ApiScope.CERTIFICATES_READ);
        byte[] der = trustedCas.der(actor, ctx.pathParam("id"), ctx.pathParam("certId"));
        ctx.contentType("application/x-pem-file")
                .header("Content-Disposition", "attachment; filename=\"" + ctx.pathParam("certId") + ".pem\"")
                .result(PemCodec.writeCertificatePem(CertificateCodec.decodeDer(der)));
    }

    /** {@code {"shareWithCustomers": true|false}}: a vendor's certificate trusted by its customers' outbound connections too. */
    private void share(Context ctx) {
        Principal actor = requests.principal(ctx);
        trustedCas.get(actor, ctx.pathParam("id"), ctx.pathParam("certId")); // another account's: not found, whatever the body
        Dto.TrustedCaChange change = requests.body(ctx, Dto.TrustedCaChange.class);
        if (change.shareWithCustomers() == null) {
            throw new io.certdesk.server.ServiceException(io.certdesk.server.ErrorCode.VALIDATION_FAILED, "shareWithCustomers (true or false) is required.");
        }
        ctx.json(Dto.TrustedCaJson.of(trustedCas.share(actor, ctx.pathParam("id"), ctx.pathParam("certId"), change.shareWithCustomers())));
    }

    private void delete(Context ctx) {
        Principal actor = requests.principal(ctx);
        trustedCas.delete(actor, ctx.pathParam("id"), ctx.pathParam("certId"));
        ctx.status(204);
    }

}
