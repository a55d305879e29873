package io.certdesk.pki.names;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names as Certdesk stores them: lower-case ASCII, internationalized names as punycode
 * (A-labels) by IDNA2008 as UTS #46 processes it, non-transitional (as browsers do: {@code faß}
 * is {@code xn--fa-hia}, not {@code fass}), RFC 1123 labels, a last label that is not all digits,
 * no wildcard, no trailing dot and no invisible characters.
 */
public final class DomainNames {
    /** RFC 1035: a name of at most 253 characters in its textual form. */
    public static final int MAX_LENGTH = 253;

    private static final int MAX_LABEL = 63;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ALL_DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
    private static final Pattern ALL_DIGITS = Pattern.compile("[0-9]+");
    private static final com.ibm.icu.text.IDNA UTS46 =
            com.ibm.icu.text.IDNA.getUTS46Instance(com.ibm.icu.text.IDNA.NONTRANSITIONAL_TO_ASCII
                    | com.ibm.icu.text.IDNA.NONTRANSITIONAL_TO_UNICODE
                    | com.ibm.icu.text.IDNA.USE_STD3_RULES
                    | com.ibm.icu.text.IDNA.CHECK_BIDI
                    | com.ibm.icu.text.IDNA.CHECK_CONTEXTJ
                    | com.ibm.icu.text.IDNA.CHECK_CONTEXTO);

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
        for (int i = 0; i < trimmed.length(); ) {
            int c = trimmed.codePointAt(i);
            // joiners (U+200C, U+200D) are IDNA2008's to judge in their context (CONTEXTJ, below)
            if ((Character.getType(c) == Character.FORMAT && c != 0x200C && c != 0x200D)
                    || c == 0x034F
                    || (c >= 0xFE00 && c <= 0xFE0F)) {
                throw invalid(
                        trimmed,
                        "it holds an invisible character (U+" + String.format("%04X", c)
                                + "), which would silently change the name; type it without");
            }
            i += Character.charCount(c);
        }
        for (String label : trimmed.split("\\.")) {
            if (label.length() > MAX_LABEL) {
                throw invalid(
                        trimmed, "the label '" + abbreviate(label) + "' is longer than " + MAX_LABEL + " characters");
            }
        }
        com.ibm.icu.text.IDNA.Info info = new com.ibm.icu.text.IDNA.Info();
        StringBuilder converted = new StringBuilder();
        UTS46.nameToASCII(trimmed, converted, info);
        if (info.hasErrors()) {
            throw invalid(trimmed, why(info.getErrors()));
        }
        String ascii = converted.toString().toLowerCase(Locale.ROOT);
        StringBuilder unicode = new StringBuilder();
        UTS46.nameToUnicode(ascii, unicode, new com.ibm.icu.text.IDNA.Info());
        // IDNA2008 (RFC 5892) lets labels hold letters, marks and digits; UTS #46 also lets symbols through
        unicode.codePoints()
                .filter(c -> c != '.' && c != '-' && !idna2008Letter(c))
                .findFirst()
                .ifPresent(c -> {
                    throw invalid(
                            trimmed,
                            "it holds U+" + String.format("%04X", c)
                                    + ", a symbol or punctuation that IDNA2008 host names may not have");
                });
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
        if (ALL_DIGITS.matcher(labels[labels.length - 1]).matches()) {
            throw invalid(
                    trimmed,
                    "its last label is all digits, which no top-level domain is (tools may read it as an address)");
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

    private static boolean idna2008Letter(int c) {
        int type = Character.getType(c);
        return type == Character.LOWERCASE_LETTER
                || type == Character.OTHER_LETTER
                || type == Character.MODIFIER_LETTER
                || type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.DECIMAL_DIGIT_NUMBER
                || c == 0x00DF // ß, ς, ZWJ/ZWNJ are PVALID or CONTEXTJ by RFC 5892's exceptions (checked above)
                || c == 0x03C2
                || c == 0x200C
                || c == 0x200D;
    }

    /** The first of UTS #46's findings, in words. */
    private static String why(java.util.Set<com.ibm.icu.text.IDNA.Error> errors) {
        var e = errors.iterator().next();
        return switch (e) {
            case EMPTY_LABEL -> "it has an empty label (two dots in a row)";
            case LABEL_TOO_LONG -> "a label is longer than " + MAX_LABEL + " characters";
            case DOMAIN_NAME_TOO_LONG -> "it is longer than " + MAX_LENGTH + " characters";
            case LEADING_HYPHEN, TRAILING_HYPHEN -> "a label starts or ends with a hyphen";
            case HYPHEN_3_4 -> "a label has hyphens in its third and fourth places but is not an A-label (xn--)";
            case PUNYCODE, INVALID_ACE_LABEL ->
                "a label that starts with xn-- is not valid punycode of a valid name (IDNA2008)";
            case DISALLOWED -> "it holds a character host names may not have (letters, digits and hyphens only)";
            case BIDI -> "it mixes right-to-left and left-to-right text in a way IDNA does not allow";
            case CONTEXTJ, CONTEXTO_PUNCTUATION, CONTEXTO_DIGITS ->
                "it holds a joiner or punctuation character outside the context IDNA allows it in";
            case LEADING_COMBINING_MARK -> "a label starts with a combining mark";
            default -> "it is not a valid host name (" + e.name().toLowerCase(Locale.ROOT) + ")";
        };
    }

    private static PkiException invalid(String input, String why) {
        return new PkiException(
                PkiError.INVALID_DOMAIN_NAME, "'" + abbreviate(input) + "' is not a valid domain name: " + why + ".");
    }

    private static String abbreviate(String input) {
        return input.length() <= 80 ? input : input.substring(0, 77) + "...";
    }
}
