package io.certdesk.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.token.TokenService;
import io.certdesk.server.users.UserService;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reading requests: the caller's identity and JSON bodies, each failure a typed refusal. */
final class Requests {
    static final String BEARER = "Bearer ";
    /** The request attribute holding the caller that {@link RouteTable} authenticated for the route. */
    static final String CALLER = "certdesk.caller";
    /** The console's session cookie: HttpOnly, Secure, SameSite=Strict. */
    static final String SESSION_COOKIE = "certdesk_session";
    /** The header a console request that changes something carries: {@link #csrfToken} of its session. */
    static final String CSRF_HEADER = "X-CSRF-Token";

    private final ObjectMapper mapper;
    private final UserService users;
    private final TokenService tokens;

    Requests(ObjectMapper mapper, UserService users, TokenService tokens) {
        this.mapper = mapper;
        this.users = users;
        this.tokens = tokens;
    }

    /** The caller the route table authenticated (routes declared {@code SIGNED_IN} or {@code SIGNED_IN_OR_TOKEN}). */
    static Principal caller(Context ctx) {
        Principal caller = ctx.attribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException(
                    "the route " + ctx.endpoint().path + " is declared PUBLIC but its handler asks for a caller");
        }
        return caller;
    }

    /**
     * The signed-in caller, or 401 {@code unauthorized}. An access token is not a sign-in: on an
     * account's route it is verified, then refused with 403 {@code insufficient_scope}.
     */
    Principal principal(Context ctx) {
        Optional<String> token = token(ctx);
        if (token.isPresent() && isAccessToken(token.get())) {
            String accountId = ctx.pathParamMap().get("id");
            if (accountId == null) {
                throw new ServiceException(
                        ErrorCode.INVALID_TOKEN,
                        "Access tokens are accepted on an account's read routes only "
                                + "(certificates, PKI settings); sign in for everything else.");
            }
            tokens.verify(accountId, token.get());
            throw new ServiceException(
                    ErrorCode.INSUFFICIENT_SCOPE,
                    "An access token reads certificates and PKI settings; changes need a " + "signed-in admin.");
        }
        return token.flatMap(users::authenticate)
                .orElseThrow(
                        () -> new ServiceException(
                                ErrorCode.UNAUTHORIZED,
                                "Sign in first: send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/login."));
    }

    /**
     * The caller of a read route of account {@code {id}}: a signed-in user, or an API client whose
     * access token verifies against the account's published keys and holds {@code scope}.
     */
    Principal reader(Context ctx, ApiScope scope) {
        Optional<String> token = token(ctx);
        if (token.isEmpty() || !isAccessToken(token.get())) {
            return principal(ctx);
        }
        TokenService.Verified verified = tokens.verify(ctx.pathParam("id"), token.get());
        if (!verified.scopes().contains(scope.value())) {
            throw new ServiceException(
                    ErrorCode.INSUFFICIENT_SCOPE,
                    "This access token lacks the scope '" + scope.value()
                            + "'; give the API client that scope and ask for a new token.",
                    Map.of("scope", scope.value()));
        }
        return Principal.apiClient(verified.clientId(), verified.accountId());
    }

    /** Sessions are opaque random strings; an access token is a compact JWS (three dot-separated parts). */
    private static boolean isAccessToken(String token) {
        int first = token.indexOf('.');
        return first > 0
                && token.indexOf('.', first + 1) > first
                && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** What {@code Authorization: Bearer} carries, if the request has that header. */
    static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? Optional.of(header.substring(BEARER.length()).strip())
                : Optional.empty();
    }

    /**
     * The caller's token: from {@code Authorization: Bearer}, else the console's session cookie.
     * A request that changes something with the cookie must also carry the session's CSRF token
     * (the cookie alone is what a forged cross-site request would have), else 403.
     */
    static Optional<String> token(Context ctx) {
        Optional<String> bearer = bearer(ctx);
        if (bearer.isPresent()) {
            return bearer;
        }
        String cookie = ctx.cookie(SESSION_COOKIE);
        if (cookie == null || cookie.isBlank()) {
            return Optional.empty();
        }
        String method = ctx.method().name();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            String sent = ctx.header(CSRF_HEADER);
            if (sent == null
                    || !MessageDigest.isEqual(
                            sent.getBytes(StandardCharsets.US_ASCII),
                            csrfToken(cookie).getBytes(StandardCharsets.US_ASCII))) {
                throw new ServiceException(
                        ErrorCode.CSRF_FAILED,
                        "This change came with the session cookie but without the session's " + CSRF_HEADER
                                + " header; reload the console and try again.");
            }
        }
        return Optional.of(cookie);
    }

    /** The CSRF token of a console session: derived from the session token, which scripts cannot read. */
    static String csrfToken(String sessionToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("certdesk-csrf:" + sessionToken).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A whole-number query parameter, or {@code fallback} when absent; 422 when it is not a number. */
    static long longQuery(Context ctx, String name, long fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "The query parameter '" + name + "' must be a whole number.",
                    Map.of("field", name));
        }
    }

    /** The JSON body as {@code type}; 415 when it is not JSON, 400 when it does not parse. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (java.util.Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    <T> T body(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ServiceException(
                    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the request body as JSON with 'Content-Type: application/json'; found "
                            + (contentType == null ? "none" : "'" + contentType + "'") + ".");
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new ServiceException(
                    ErrorCode.MALFORMED_REQUEST, "The request body is empty; a JSON object is expected.");
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw new ServiceException(
                        ErrorCode.MALFORMED_REQUEST, "The request body is null; a JSON object is expected.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ServiceException(
                    ErrorCode.MALFORMED_REQUEST,
                    "The field '" + e.getPropertyName() + "' is not known here; known fields: "
                            + e.getKnownPropertyIds() + ".",
                    Map.of("field", e.getPropertyName()));
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty()
                    ? null
                    : e.getPath().get(e.getPath().size() - 1).getFieldName();
            if (field == null) {
                throw new ServiceException(
                        ErrorCode.MALFORMED_REQUEST, "The request body is not the JSON object expected here.");
            }
            throw ServiceException.invalid(
                    field, "The field '" + field + "' must be " + expected(e.getTargetType()) + ".");
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new ServiceException(
                    ErrorCode.MALFORMED_REQUEST,
                    "The request body is beyond what this API reads (nested over 1,000 deep, or a number or string too long).");
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new ServiceException(
                    ErrorCode.MALFORMED_REQUEST,
                    "The request body is not the JSON expected here"
                            + (at == null ? "." : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")."));
        } catch (IOException e) {
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read.");
        }
    }
}
