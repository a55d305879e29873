package io.certdesk.server.http;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.server.ca.PlatformCaService;
import io.javalin.http.Context;

/** The platform CA root, public: what terminals and browsers are provisioned with. */
final class PlatformRoutes {
    private final PlatformCaService ca;

    PlatformRoutes(PlatformCaService ca) {
        this.ca = ca;
    }

    void register(RouteTable routes) {
        routes.get("/api/v1/platform/ca.pem", RouteAccess.PUBLIC, this::pem);
        routes.get("/api/v1/platform/ca.der", RouteAccess.PUBLIC, this::der);
    }

    private void pem(Context ctx) {
        ctx.contentType("application/x-pem-file")
                .header("Content-Disposition", "attachment; filename=\"certdesk-platform-ca.pem\"")
                .header("Cache-Control", "public, max-age=3600")
                .result(PemCodec.writeCertificatePem(ca.root()));
    }

    private void der(Context ctx) {
        ctx.contentType("application/pkix-cert")
                .header("Content-Disposition", "attachment; filename=\"certdesk-platform-ca.cer\"")
                .header("Cache-Control", "public, max-age=3600")
                .result(CertificateCodec.encodeDer(ca.root()));
    }
}
