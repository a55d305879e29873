package io.certdesk.server.http;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.access.UserService;
import io.javalin.http.Context;

/** Reading requests: the caller's identity and JSON bodies, each failure a typed refusal. */
final class Requests {
    static final String BEARER = "Bearer ";
    private final ObjectMapper mapper;
    private final UserService users;

    Requests(ObjectMapper mapper, UserService users) {
        this.mapper = mapper;
        this.users = users;
    }

    /** The signed-in caller, or 401 {@code unauthorized}. */
    Principal principal(Context ctx) {
        return token(ctx).flatMap(users::authenticate).orElseThrow(() -> new ServiceException(ErrorCode.UNAUTHORIZED,
                "Sign in first: send 'Authorization: Bearer <token>' with a token from POST /api/v1/auth/login."));
    }

    static java.util.Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return java.util.Optional.of(header.substring(BEARER.length()).strip());
        }
        return java.util.Optional.empty();
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
            throw new ServiceException(ErrorCode.VALIDATION_FAILED, "The query parameter '" + name + "' must be a whole number.",
                    Map.of("field", name));
        }
    }

    /** The enum constant named {@code value} (null when absent); 422 naming the field and the accepted values otherwise. */
    static <E extends Enum<E>> E enumOf(Class<E> type, String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw ServiceException.invalid(field, "'" + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
                    + "' is not a valid " + field + "; expected one of " + java.util.Arrays.toString(type.getEnumConstants()) + ".");
        }
    }

    /** The JSON body as {@code type}; 415 when it is not JSON, 400 when it does not parse. */
    <T> T body(Context ctx, Class<T> type) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send the request body as JSON with 'Content-Type: application/json'; found " + (contentType == null ? "none" : "'" + contentType + "'") + ".");
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The request body is empty; a JSON object is expected.");
        }
        try {
            T value = mapper.readValue(bytes, type);
            if (value == null) {
                throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The request body is null; a JSON object is expected.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The field '" + e.getPropertyName() + "' is not known here; known fields: "
                    + e.getKnownPropertyIds() + ".", Map.of("field", e.getPropertyName()));
        } catch (JsonProcessingException e) {
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The request body is not the JSON expected here (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ").");
        } catch (java.io.IOException e) {
            throw new ServiceException(ErrorCode.MALFORMED_REQUEST, "The request body could not be read.");
        }
    }
}
