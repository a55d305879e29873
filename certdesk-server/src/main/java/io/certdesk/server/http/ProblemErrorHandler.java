package io.certdesk.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.certdesk.server.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers itself, before a request reaches a route (a request line it cannot parse, a
 * URI or headers too long, a body that breaks its framing): a problem document like every other
 * answer, not Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(body(status, message)), callback);
    }

    static ErrorCode codeOf(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 408 -> ErrorCode.REQUEST_TIMEOUT;
            case 413, 414, 431 -> ErrorCode.TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> ErrorCode.NOT_READY;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
        };
    }

    private static byte[] body(int status, String reason) {
        ErrorCode code = codeOf(status);
        String detail = switch (status) {
            case 414 -> "The request's URI is longer than this server reads.";
            case 431 -> "The request's headers are larger than this server reads.";
            default ->
                reason == null || reason.isBlank() ? code.title() + "." : "The request was refused: " + reason + ".";
        };
        try {
            return Json.mapper()
                    .writeValueAsBytes(Problem.of(code.code(), status, code.title(), detail, null, Map.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a problem document is always JSON", e);
        }
    }
}
