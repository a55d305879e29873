package io.certdesk.server;

import java.util.Map;

/**
 * A refusal by a service: a stable {@link ErrorCode} and a sentence safe to show a person.
 * Optional {@code details} become extra members of the problem document (for example the names
 * that were refused).
 */
public final class ServiceException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;

    public ServiceException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public ServiceException(ErrorCode code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** A {@link ErrorCode#VALIDATION_FAILED} refusal naming the request field at fault. */
    public static ServiceException invalid(String field, String message) {
        return new ServiceException(ErrorCode.VALIDATION_FAILED, message, Map.of("field", field));
    }

    public static ServiceException notFound(String what) {
        return new ServiceException(ErrorCode.NOT_FOUND, what + " does not exist or is not visible to you.");
    }
}
