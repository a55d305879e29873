package io.certdesk.server;

import io.certdesk.pki.PkiException;
import io.certdesk.pki.names.DomainNames;
import java.util.Arrays;
import java.util.Locale;

/**
 * How every field a client sends is read, in one place: enum values by one case rule, domain
 * names by one normalizer. A value that does not read is a 422 {@code validation_failed} naming
 * the field and what was expected.
 */
public final class Inputs {
    private Inputs() {}

    /**
     * The constant of {@code type} that {@code value} names, ignoring case and underscores
     * ({@code "ldaps"}, {@code "vendor"} and {@code "keyCompromise"} read as {@code LDAPS},
     * {@code VENDOR} and {@code KEY_COMPROMISE}); null when {@code value} is null.
     */
    public static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        if (value == null) {
            return null;
        }
        String wanted = value.strip().replace("_", "").toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().replace("_", "").equals(wanted)) {
                return constant;
            }
        }
        throw ServiceException.invalid(
                field,
                "'" + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "' is not a valid " + field
                        + "; expected one of " + choices(type) + ".");
    }

    /** As {@link #enumValue}, but the field is required. */
    public static <E extends Enum<E>> E requiredEnum(Class<E> type, String value, String field) {
        if (value == null) {
            throw ServiceException.invalid(field, field + " is required; expected one of " + choices(type) + ".");
        }
        return enumValue(type, value, field);
    }

    private static String choices(Class<? extends Enum<?>> type) {
        return String.join(
                ", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList());
    }

    /** A domain name as it is stored (lower-case ASCII, IDNs as punycode, two labels or more). */
    public static String domain(String value, String field) {
        try {
            return DomainNames.normalize(value);
        } catch (PkiException e) {
            throw ServiceException.invalid(field, e.getMessage());
        }
    }
}
