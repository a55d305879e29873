package io.certdesk.server.http;

import io.certdesk.pki.codec.Pkcs7Codec;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.scep.EstService;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * EST (RFC 7030) at {@code /.well-known/est/{accountId}/…}, or without the account, which the
 * enrollment password or the device's certificate then names: {@code cacerts} and {@code
 * csrattrs} (GET), {@code simpleenroll} and {@code simplereenroll} (POST, a base64 PKCS#10 as
 * {@code application/pkcs10}; DER and PEM are taken too). Answers are base64 DER, as the RFC
 * says. A client certificate is only asked for on the EST port ({@code --est-port}).
 */
final class EstRoutes {
    static final String PREFIX = "/.well-known/est/";
    /** A PKCS#10 is a few KiB; base64 and headers add a third. */
    private static final int MAX_BODY = 64 * 1024;

    private final EstService est;

    EstRoutes(EstService est) {
        this.est = est;
    }

    void register(RouteTable routes) {
        for (String base : List.of(PREFIX, PREFIX + "{id}/")) {
            routes.get(base + "cacerts", RouteAccess.PUBLIC, this::caCertificates);
            routes.get(base + "csrattrs", RouteAccess.PUBLIC, this::csrAttributes);
            routes.post(base + "simpleenroll", RouteAccess.PUBLIC, ctx -> enroll(ctx, false));
            routes.post(base + "simplereenroll", RouteAccess.PUBLIC, ctx -> enroll(ctx, true));
        }
    }

    private static Optional<String> account(Context ctx) {
        return Optional.ofNullable(ctx.pathParamMap().get("id"));
    }

    private void caCertificates(Context ctx) {
        base64(ctx, 200, "application/pkcs7-mime", est.caCertificates());
    }

    private void csrAttributes(Context ctx) {
        base64(ctx, 200, "application/csrattrs", est.csrAttributes());
    }

    private void enroll(Context ctx, boolean reenroll) {
        byte[] body = ctx.bodyAsBytes();
        if (body.length > MAX_BODY) {
            throw new ServiceException(ErrorCode.TOO_LARGE, "An EST request is at most " + MAX_BODY + " bytes.");
        }
        EstService.Credentials credentials = new EstService.Credentials(basicPassword(ctx), clientCertificate(ctx));
        EstService.Outcome outcome;
        try {
            outcome = est.enroll(account(ctx), credentials, csr(body), reenroll);
        } catch (ServiceException e) {
            if (e.code() == ErrorCode.UNAUTHORIZED && ctx.header("Authorization") == null) {
                // the challenge a client without credentials gets, to send them: an empty body (Bouncy Castle's EST
                // client closes the answer unread, and fails on one with a body); with credentials given, the problem
                ctx.status(401)
                        .header("WWW-Authenticate", "Basic realm=\"certdesk EST\", charset=\"UTF-8\"")
                        .result("");
                return;
            }
            throw e;
        }
        if (outcome instanceof EstService.Issued issued) {
            base64(
                    ctx,
                    200,
                    "application/pkcs7-mime; smime-type=certs-only",
                    Pkcs7Codec.writeCertificatesDer(List.of(issued.certificate())));
        } else if (outcome instanceof EstService.Pending pending) {
            ctx.status(202)
                    .header("Retry-After", Long.toString(pending.retryAfter().toSeconds()))
                    .contentType("text/plain; charset=utf-8")
                    .result("The request waits for an admin's approval; send it again after "
                            + pending.retryAfter().toSeconds() + " seconds.\n");
        }
    }

    /** The body as DER: base64 (RFC 7030's transfer encoding), or DER or PEM as they are. */
    private static byte[] csr(byte[] body) {
        String text = new String(body, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN") && text.chars().allMatch(c -> c < 128)) {
            String compact = text.replaceAll("\\s", "");
            if (!compact.isEmpty() && compact.matches("[A-Za-z0-9+/=]+")) {
                try {
                    return Base64.getDecoder().decode(compact);
                } catch (IllegalArgumentException e) {
                    // not base64 after all: read as it is
                }
            }
        }
        return body;
    }

    private static Optional<String> basicPassword(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty() : Optional.of(decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new ServiceException(ErrorCode.UNAUTHORIZED, "The Authorization header is not HTTP Basic.");
        }
    }

    private static Optional<X509Certificate> clientCertificate(Context ctx) {
        Object chain = ctx.req().getAttribute("jakarta.servlet.request.X509Certificate");
        if (chain instanceof X509Certificate[] certificates && certificates.length > 0) {
            return Optional.of(certificates[0]);
        }
        return Optional.empty();
    }

    private static void base64(Context ctx, int status, String type, byte[] der) {
        ctx.status(status)
                .contentType(type)
                .header("Content-Transfer-Encoding", "base64")
                .result(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n");
    }
}
