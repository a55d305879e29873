package io.certdesk.server.http;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.token.OAuthException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every failure leaves: an RFC 9457 problem with a stable code (the token endpoint's RFC
 * 6749 errors as they are), and an unknown failure as a 500 that names only the request id.
 */
final class ProblemResponses {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private ProblemResponses() {}

    static void register(RoutesConfig routes) {
        routes.exception(OAuthException.class, ProblemResponses::oauthError);
        routes.exception(ServiceException.class, (e, ctx) -> problem(ctx, e.code(), e.getMessage(), e.details()));
        routes.exception(PkiException.class, (e, ctx) -> {
            if (e.error().fault() == PkiError.Fault.SERVER) {
                internalProblem(e, ctx);
            } else {
                problem(ctx, e);
            }
        });
        routes.exception(HttpResponseException.class, ProblemResponses::httpProblem);
        routes.exception(BadMessageException.class, ProblemResponses::badMessage);
        routes.exception(java.io.EOFException.class, (e, ctx) -> {
            // the client closed its connection in the middle of its request: nobody is left to answer
            log.info(
                    "Request {} {}: the client closed the connection before its body ended",
                    ctx.method().name(),
                    ctx.path());
            problem(ctx, ErrorCode.MALFORMED_REQUEST, "The request body ended before its Content-Length.", Map.of());
        });
        routes.exception(Exception.class, ProblemResponses::internalProblem);
    }

    static ServiceException tooLarge() {
        return new ServiceException(
                ErrorCode.TOO_LARGE,
                "The request body is larger than " + (ApiServer.MAX_BODY / 1024)
                        + " KiB, the most this server accepts.");
    }

    /** RFC 6749 §5.2: {@code {"error", "error_description"}}, not a problem document. */
    static void oauthError(OAuthException e, Context ctx) {
        if (e.status() == 401) {
            ctx.header("WWW-Authenticate", "Basic realm=\"certdesk\"");
        }
        ctx.header("Cache-Control", "no-store");
        e.retryAfterSeconds().ifPresent(seconds -> ctx.header("Retry-After", Long.toString(seconds)));
        ctx.status(e.status()).json(Map.of("error", e.error().code(), "error_description", e.getMessage()));
    }

    /** A refusal of the PKI core: its stable code, 413 for size, else 422. */
    static void problem(Context ctx, PkiException e) {
        ErrorCode status = e.error() == PkiError.TOO_LARGE ? ErrorCode.TOO_LARGE : ErrorCode.VALIDATION_FAILED;
        ctx.status(status.status())
                .json(Problem.of(
                        e.error().code(),
                        status.status(),
                        titleOf(e.error()),
                        e.getMessage(),
                        ctx.attribute(AuditLog.REQUEST_ID),
                        Map.of()));
        ctx.contentType(Problem.CONTENT_TYPE);
    }

    private static String titleOf(PkiError error) {
        String words = error.code().replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    static void httpProblem(HttpResponseException e, Context ctx) {
        ErrorCode code = switch (e.getStatus()) {
            case 400 -> ErrorCode.MALFORMED_REQUEST;
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> null;
        };
        if (code == null) {
            internalProblem(e, ctx);
            return;
        }
        String detail = switch (code) {
            case NOT_FOUND ->
                "There is nothing at " + ctx.method().name() + " " + RequestHooks.abbreviate(ctx.path()) + ".";
            case TOO_LARGE -> tooLarge().getMessage();
            default -> code.title() + ".";
        };
        problem(ctx, code, detail, Map.of());
    }

    /** Jetty's refusal of how a request arrived (a body too slow, a broken framing): the client's doing, not an error here. */
    static void badMessage(BadMessageException e, Context ctx) {
        ErrorCode code = ProblemErrorHandler.codeOf(e.getCode());
        log.info("Request {} {} refused: {}", ctx.method().name(), ctx.path(), e.getMessage());
        String detail = code == ErrorCode.REQUEST_TIMEOUT
                ? "The request body came too slowly. " + BodyPace.rule()
                : code.title() + ".";
        ctx.header("Connection", "close");
        problem(ctx, code, detail, Map.of());
    }

    static void internalProblem(Exception e, Context ctx) {
        String requestId = ctx.attribute(AuditLog.REQUEST_ID);
        log.error("Request {} {} failed (request id {})", ctx.method().name(), ctx.path(), requestId, e);
        problem(
                ctx,
                ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side. Quote request id " + requestId + " to your operator.",
                Map.of());
    }

    static void problem(Context ctx, ErrorCode code, String detail, Map<String, Object> extra) {
        switch (code) {
            // EST clients answer a Basic challenge with an enrollment password
            case UNAUTHORIZED ->
                ctx.header(
                        "WWW-Authenticate",
                        ctx.path().startsWith(EstRoutes.PREFIX)
                                ? "Basic realm=\"certdesk EST\", charset=\"UTF-8\""
                                : "Bearer realm=\"certdesk\"");
            // RFC 6750 §3: the error, and for a missing scope the scope that is needed
            case INVALID_TOKEN ->
                ctx.header(
                        "WWW-Authenticate",
                        "Bearer realm=\"certdesk\", error=\"invalid_token\", error_description=\""
                                + detail.replace("\"", "'") + "\"");
            case INSUFFICIENT_SCOPE ->
                ctx.header(
                        "WWW-Authenticate",
                        "Bearer realm=\"certdesk\", error=\"insufficient_scope\""
                                + (extra.get("scope") == null ? "" : ", scope=\"" + extra.get("scope") + "\""));
            default -> {}
        }
        Object retry = extra.get("retryAfterSeconds");
        if (retry != null) {
            ctx.header("Retry-After", retry.toString());
        }
        ctx.status(code.status())
                .json(Problem.of(
                        code.code(), code.status(), code.title(), detail, ctx.attribute(AuditLog.REQUEST_ID), extra));
        ctx.contentType(Problem.CONTENT_TYPE);
    }
}
