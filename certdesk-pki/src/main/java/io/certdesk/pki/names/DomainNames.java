package io.certdesk.pki.names;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.net.IDN;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names as Certdesk stores them: lower-case ASCII, internationalized names as punycode
 * (A-labels), RFC 1123 labels, no wildcard and no trailing dot.
 */
public final class DomainNames {
    /** RFC 1035: a name of at most 253 characters in its textual form. */
    public static final int MAX_LENGTH = 253;

    private static final int MAX_LABEL = 63;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ALL_DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");

    private DomainNames() {}

    /**
     * Returns the stored form of a host name a person typed.
     *
     * @throws PkiException {@link PkiError#INVALID_DOMAIN_NAME} with a sentence that names the
     *                      input and what is wrong with it
     */
    public static String normalize(String input) {
        return normalize(input, 2);
    }

    /** Like {@link #normalize}, but a single label (such as {@code localhost}) is accepted: for the platform's own host name. */
    public static String normalizeHost(String input) {
        return normalize(input, 1);
    }

    private static String normalize(String input, int minLabels) {
        if (input == null || input.isBlank()) {
            throw invalid(String.valueOf(input), "a domain name is empty");
        }
        String trimmed = input.strip();
        if (trimmed.endsWith(".")) {
            throw invalid(trimmed, "it ends with a dot; write the name without the trailing dot");
        }
        if (trimmed.contains("*")) {
            throw invalid(trimmed, "wildcards are not domains; add the names clients use, such as print.example.com");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(trimmed, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            for (String label : trimmed.split("\\.")) {
                if (label.length() > MAX_LABEL) {
                    throw invalid(
                            trimmed,
                            "the label '" + abbreviate(label) + "' is longer than " + MAX_LABEL + " characters");
                }
            }
            throw invalid(trimmed, "it is not a valid host name (letters, digits and hyphens in dot-separated labels)");
        }
        if (ascii.length() > MAX_LENGTH) {
            throw invalid(trimmed, "it is " + ascii.length() + " characters long, more than " + MAX_LENGTH);
        }
        if (ALL_DIGITS_AND_DOTS.matcher(ascii).matches() || ascii.contains(":")) {
            throw invalid(trimmed, "it is an IP address; only host names can be domains");
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < minLabels) {
            throw invalid(trimmed, "it has a single label; a domain needs at least two, such as example.com");
        }
        for (String label : labels) {
            if (label.isEmpty()) {
                throw invalid(trimmed, "it has an empty label (two dots in a row)");
            }
            if (label.length() > MAX_LABEL) {
                throw invalid(trimmed, "the label '" + label + "' is longer than " + MAX_LABEL + " characters");
            }
            if (!LABEL.matcher(label).matches()) {
                throw invalid(trimmed, "the label '" + label + "' must hold only letters, digits and inner hyphens");
            }
        }
        return ascii;
    }

    private static PkiException invalid(String input, String why) {
        return new PkiException(
                PkiError.INVALID_DOMAIN_NAME, "'" + abbreviate(input) + "' is not a valid domain name: " + why + ".");
    }

    private static String abbreviate(String input) {
        return input.length() <= 80 ? input : input.substring(0, 77) + "...";
    }
}
