package io.certdesk.server.http;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.chains.RevocationService;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The platform CA: its root, public (what terminals and browsers are provisioned with), and the
 * platform admin's revocations of any certificate it issued.
 */
final class PlatformRoutes {
    private static final String REVOCATIONS = "/api/v1/platform/revocations";
    private final PlatformCaService ca;
    private final RevocationService revocations;
    private final Requests requests;

    PlatformRoutes(PlatformCaService ca, RevocationService revocations, Requests requests) {
        this.ca = ca;
        this.revocations = revocations;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.get("/api/v1/platform/ca.pem", RouteAccess.PUBLIC, this::pem);
        routes.get("/api/v1/platform/ca.der", RouteAccess.PUBLIC, this::der);
        routes.post(REVOCATIONS, RouteAccess.SIGNED_IN, this::revoke);
        routes.get(REVOCATIONS, RouteAccess.SIGNED_IN, this::list);
    }

    record RevokeBody(String serial, String issuerSha256, String reason) {}

    record RevocationList(List<Dto.IssuedCertificateJson> revoked, String next) {}

    private void revoke(Context ctx) {
        Principal actor = Requests.caller(ctx);
        RevocationService.requirePlatformAdmin(actor); // before the body is read: a 403, whatever it holds
        RevokeBody body = requests.body(ctx, RevokeBody.class);
        IssuedCertificate revoked = revocations.revokeSerial(
                actor,
                body.serial(),
                Optional.ofNullable(body.issuerSha256()),
                Inputs.requiredEnum(RevocationReason.class, body.reason(), "reason"));
        ctx.status(201).json(Dto.IssuedCertificateJson.of(revoked));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        int limit = (int) Math.max(1, Math.min(500, Requests.longQuery(ctx, "limit", 100)));
        String before = ctx.queryParam("before");
        Optional<Instant> cursor;
        try {
            cursor = Optional.ofNullable(before).filter(b -> !b.isBlank()).map(Instant::parse);
        } catch (java.time.format.DateTimeParseException e) {
            throw ServiceException.invalid(
                    "before", "before is the revokedAt of the last entry of the previous page (ISO-8601).");
        }
        List<IssuedCertificate> page = revocations.revocations(actor, cursor, limit);
        ctx.json(new RevocationList(
                page.stream().map(Dto.IssuedCertificateJson::of).toList(),
                page.size() < limit
                        ? null
                        : page.get(page.size() - 1)
                                .revocation()
                                .orElseThrow()
                                .at()
                                .toString()));
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
