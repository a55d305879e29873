package io.certdesk.server.http;

import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.pki.codec.Pkcs7Codec;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.chains.RevocationService;
import io.certdesk.server.requests.ChainRequest;
import io.certdesk.server.requests.ChainRequestService;
import io.certdesk.server.requests.DeviceSigningService;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Certificate requests both ways: requests made here for another CA to sign
 * ({@code /private-chains/requests}), and devices' requests signed here ({@code /certificates}).
 */
final class EnrollmentRoutes {
    private static final String REQUESTS = "/api/v1/accounts/{id}/private-chains/requests";
    private static final String CERTIFICATES = "/api/v1/accounts/{id}/certificates";
    static final String PEM_CHAIN = "application/pem-certificate-chain";
    static final String PKCS7 = "application/pkcs7-mime";

    private final ChainRequestService chainRequests;
    private final DeviceSigningService signing;
    private final RevocationService revocations;
    private final ChainRoutes chains;
    private final Requests requests;

    EnrollmentRoutes(
            ChainRequestService chainRequests,
            DeviceSigningService signing,
            RevocationService revocations,
            ChainRoutes chains,
            Requests requests) {
        this.chainRequests = chainRequests;
        this.signing = signing;
        this.revocations = revocations;
        this.chains = chains;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post(REQUESTS, RouteAccess.SIGNED_IN, this::createRequest);
        routes.get(REQUESTS, RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::listRequests);
        routes.get(
                REQUESTS + "/{requestId}", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::getRequest);
        routes.get(
                REQUESTS + "/{requestId}/csr.pem",
                RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ),
                this::requestCsr);
        routes.delete(REQUESTS + "/{requestId}", RouteAccess.SIGNED_IN, this::deleteRequest);
        routes.post(REQUESTS + "/{requestId}/certificate", RouteAccess.SIGNED_IN, this::completeRequest);

        routes.post(CERTIFICATES + "/sign", RouteAccess.SIGNED_IN, this::sign);
        routes.get(CERTIFICATES, RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::listSigned);
        routes.get(
                CERTIFICATES + "/{serial}", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::getSigned);
        routes.get(
                CERTIFICATES + "/{serial}/chain.pem",
                RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ),
                ctx -> chainFile(ctx, false));
        routes.get(
                CERTIFICATES + "/{serial}/chain.p7b",
                RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ),
                ctx -> chainFile(ctx, true));
        routes.post(CERTIFICATES + "/{serial}/revoke", RouteAccess.SIGNED_IN, this::revokeSigned);
    }

    record CreateRequest(List<String> domains, String keyType) {}

    record RequestJson(
            String id, List<String> domains, String keyType, Instant createdAt, Instant expiresAt, String csrPem) {
        static RequestJson of(ChainRequest r) {
            return new RequestJson(
                    r.id(),
                    r.dnsNames(),
                    r.keyType().name(),
                    r.createdAt(),
                    r.expiresAt(),
                    Pkcs10.writePem(r.csrDer()));
        }
    }

    record RequestList(List<RequestJson> requests) {}

    record Completed(Dto.ChainJson chain, List<Dto.WarningJson> warnings) {}

    private void createRequest(Context ctx) {
        Principal actor = Requests.caller(ctx);
        CreateRequest body = requests.body(ctx, CreateRequest.class);
        ChainRequest created = chainRequests.create(
                actor,
                ctx.pathParam("id"),
                body.domains(),
                Optional.ofNullable(Inputs.enumValue(KeyType.class, body.keyType(), "keyType"))
                        .orElse(KeyType.EC_P256));
        ctx.status(201)
                .header(
                        "Location",
                        "/api/v1/accounts/" + created.accountId() + "/private-chains/requests/" + created.id())
                .json(RequestJson.of(created));
    }

    private void listRequests(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new RequestList(chainRequests.list(actor, ctx.pathParam("id")).stream()
                .map(RequestJson::of)
                .toList()));
    }

    private void getRequest(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(RequestJson.of(chainRequests.get(actor, ctx.pathParam("id"), ctx.pathParam("requestId"))));
    }

    private void requestCsr(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ChainRequest request = chainRequests.get(actor, ctx.pathParam("id"), ctx.pathParam("requestId"));
        ctx.contentType("application/pkcs10")
                .header("Content-Disposition", "attachment; filename=\"request-" + request.id() + ".csr\"")
                .result(Pkcs10.writePem(request.csrDer()));
    }

    private void deleteRequest(Context ctx) {
        Principal actor = Requests.caller(ctx);
        chainRequests.delete(actor, ctx.pathParam("id"), ctx.pathParam("requestId"));
        ctx.status(204);
    }

    private void completeRequest(Context ctx) {
        Principal actor = Requests.caller(ctx);
        chainRequests.get(actor, ctx.pathParam("id"), ctx.pathParam("requestId")); // not found, whatever the body
        byte[] file = fileOrBody(ctx, "file", CertificateFiles.MAX_FILE_BYTES);
        ChainRequestService.Completed done =
                chainRequests.complete(actor, ctx.pathParam("id"), ctx.pathParam("requestId"), file);
        ctx.status(201)
                .header(
                        "Location",
                        "/api/v1/accounts/" + done.chain().accountId() + "/private-chains/"
                                + done.chain().id())
                .json(new Completed(
                        chains.render(List.of(done.chain())).get(0),
                        done.warnings().stream().map(Dto.WarningJson::of).toList()));
    }

    record SignRequest(String csr, String profile, Integer validityDays) {}

    record SignedJson(
            String serial,
            String issuerSha256,
            String subject,
            List<String> dnsNames,
            Instant notBefore,
            Instant notAfter,
            String sha256,
            Instant issuedAt,
            String issuedFor,
            Dto.RevocationJson revocation,
            String chainPem) {
        static SignedJson of(IssuedCertificate c, Optional<String> chainPem) {
            return new SignedJson(
                    c.serial(),
                    c.issuerSha256(),
                    c.subject(),
                    c.dnsNames(),
                    c.notBefore(),
                    c.notAfter(),
                    c.sha256(),
                    c.issuedAt(),
                    c.issuedFor().name(),
                    c.revocation().map(Dto.RevocationJson::of).orElse(null),
                    chainPem.orElse(null));
        }
    }

    record SignedList(List<SignedJson> certificates, String next) {}

    /**
     * A device's CSR: JSON {@code {csr, profile, validityDays}}, or the request itself (PEM or DER,
     * {@code application/pkcs10}) with {@code profile} and {@code validityDays} in the query, or a
     * form with the file {@code csr}. The answer is the chain as PEM, as PKCS#7 when the caller
     * accepts {@code application/pkcs7-mime}, or as JSON when it accepts {@code application/json}.
     */
    private void sign(Context ctx) {
        Principal actor = Requests.caller(ctx);
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        byte[] csr;
        String profile;
        Integer days;
        signing.requireVisible(actor, ctx.pathParam("id")); // another account's: not found, whatever the body
        if (type.startsWith("application/json")) {
            SignRequest body = requests.body(ctx, SignRequest.class);
            csr = Optional.ofNullable(body.csr()).orElse("").getBytes(StandardCharsets.ISO_8859_1);
            profile = body.profile();
            days = body.validityDays();
        } else {
            csr = fileOrBody(ctx, "csr", Pkcs10.MAX_BYTES);
            profile = ctx.isMultipartFormData() ? Uploads.field(ctx, "profile") : ctx.queryParam("profile");
            days = integer(
                    ctx.isMultipartFormData() ? Uploads.field(ctx, "validityDays") : ctx.queryParam("validityDays"));
        }
        DeviceSigningService.Signed signed = signing.sign(
                actor,
                ctx.pathParam("id"),
                csr,
                Optional.ofNullable(Inputs.enumValue(DeviceProfile.class, profile, "profile"))
                        .orElse(DeviceProfile.TLS_SERVER),
                Optional.ofNullable(days));
        ctx.status(201)
                .header(
                        "Location",
                        "/api/v1/accounts/" + ctx.pathParam("id") + "/certificates/"
                                + signed.certificate().serial());
        answerChain(ctx, signed, preferred(ctx));
    }

    private enum Format {
        PEM,
        PKCS7,
        JSON
    }

    private static Format preferred(Context ctx) {
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("").toLowerCase(Locale.ROOT);
        if (accept.contains(PKCS7) || accept.contains("application/x-pkcs7-certificates")) {
            return Format.PKCS7;
        }
        if (accept.contains("application/json")) {
            return Format.JSON;
        }
        return Format.PEM;
    }

    private static void answerChain(Context ctx, DeviceSigningService.Signed signed, Format format) {
        switch (format) {
            case PKCS7 ->
                ctx.contentType(PKCS7 + "; smime-type=certs-only")
                        .result(Pkcs7Codec.writeCertificatesDer(signed.chain()));
            case JSON ->
                ctx.json(SignedJson.of(
                        signed.certificate(), Optional.of(PemCodec.writeCertificatesPem(signed.chain()))));
            case PEM -> ctx.contentType(PEM_CHAIN).result(PemCodec.writeCertificatesPem(signed.chain()));
        }
    }

    private void listSigned(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Optional<IssuedCertificateStore.Cursor> after =
                Optional.ofNullable(ctx.queryParam("after")).map(EnrollmentRoutes::cursor);
        int limit = Optional.ofNullable(integer(ctx.queryParam("limit"))).orElse(100);
        List<IssuedCertificate> page = signing.list(actor, ctx.pathParam("id"), after, limit);
        String next = page.size() < Math.max(1, Math.min(limit, DeviceSigningService.MAX_PAGE))
                ? null
                : page.get(page.size() - 1).issuedAt() + ","
                        + page.get(page.size() - 1).serial();
        ctx.json(new SignedList(
                page.stream().map(c -> SignedJson.of(c, Optional.empty())).toList(), next));
    }

    private void getSigned(Context ctx) {
        Principal actor = Requests.caller(ctx);
        DeviceSigningService.Signed signed = signing.get(actor, ctx.pathParam("id"), ctx.pathParam("serial"));
        ctx.json(SignedJson.of(signed.certificate(), Optional.of(PemCodec.writeCertificatesPem(signed.chain()))));
    }

    private void chainFile(Context ctx, boolean pkcs7) {
        Principal actor = Requests.caller(ctx);
        DeviceSigningService.Signed signed = signing.get(actor, ctx.pathParam("id"), ctx.pathParam("serial"));
        ctx.header(
                "Content-Disposition",
                "attachment; filename=\"" + signed.certificate().serial() + (pkcs7 ? ".p7b" : ".pem") + "\"");
        answerChain(ctx, signed, pkcs7 ? Format.PKCS7 : Format.PEM);
    }

    private void revokeSigned(Context ctx) {
        Principal actor = Requests.caller(ctx);
        signing.get(
                actor,
                ctx.pathParam("id"),
                ctx.pathParam("serial")); // not this account's: not found, whatever the body
        ChainRoutes.RevokeBody body = requests.body(ctx, ChainRoutes.RevokeBody.class);
        IssuedCertificate revoked = revocations.revokeSignedRequest(
                actor,
                ctx.pathParam("id"),
                ctx.pathParam("serial"),
                Inputs.requiredEnum(RevocationReason.class, body.reason(), "reason"));
        ctx.json(SignedJson.of(revoked, Optional.empty()));
    }

    /** The file in the form field {@code field}, or else the whole body (PEM or DER sent as is), bounded. */
    static byte[] fileOrBody(Context ctx, String field, int maxBytes) {
        byte[] bytes;
        if (ctx.isMultipartFormData()) {
            bytes = Uploads.file(ctx, field, maxBytes);
        } else {
            String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
            if (type.startsWith("application/json") || type.startsWith("application/x-www-form-urlencoded")) {
                throw new ServiceException(
                        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "Send the file as the request body (PEM or DER, e.g. 'Content-Type: application/x-pem-file')"
                                + " or as multipart/form-data in the field '" + field + "'; found '" + type + "'.");
            }
            bytes = ctx.bodyAsBytes();
        }
        if (bytes.length > maxBytes) {
            throw new ServiceException(
                    ErrorCode.TOO_LARGE,
                    "The file is " + bytes.length + " bytes or more; at most " + maxBytes + " are accepted.");
        }
        return bytes;
    }

    private static Integer integer(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ServiceException.invalid("validityDays", "Expected a whole number; found '" + value + "'.");
        }
    }

    private static IssuedCertificateStore.Cursor cursor(String value) {
        int comma = value.indexOf(',');
        try {
            return new IssuedCertificateStore.Cursor(
                    Instant.parse(value.substring(0, comma)),
                    RevocationService.normalizedSerial(value.substring(comma + 1)));
        } catch (RuntimeException e) {
            throw ServiceException.invalid("after", "'after' is the 'next' of the previous page, as given.");
        }
    }
}
