package io.certdesk.pki.issue;

/**
 * The RFC 5280 §5.3.1 reasons a certificate the platform CA issued may be revoked for, each
 * with its CRLReason code and its RFC name ({@code keyCompromise}), which is how the API spells it.
 */
public enum RevocationReason {
    UNSPECIFIED(0, "unspecified"),
    KEY_COMPROMISE(1, "keyCompromise"),
    AFFILIATION_CHANGED(3, "affiliationChanged"),
    SUPERSEDED(4, "superseded"),
    CESSATION_OF_OPERATION(5, "cessationOfOperation");

    private final int code;
    private final String rfcName;

    RevocationReason(int code, String rfcName) {
        this.code = code;
        this.rfcName = rfcName;
    }

    /** The CRLReason value (RFC 5280 §5.3.1). */
    public int code() {
        return code;
    }

    /** As RFC 5280 names it: {@code keyCompromise}. */
    public String rfcName() {
        return rfcName;
    }

    private static final String[] ALL_NAMES = {
        "unspecified",
        "keyCompromise",
        "cACompromise",
        "affiliationChanged",
        "superseded",
        "cessationOfOperation",
        "certificateHold",
        null,
        "removeFromCRL",
        "privilegeWithdrawn",
        "aACompromise"
    };

    /**
     * The RFC 5280 name of any CRLReason code another CA may give (also those the platform CA
     * never uses, such as {@code cACompromise}); {@code unspecified} for codes it does not define.
     */
    public static String rfcNameOf(int code) {
        return code >= 0 && code < ALL_NAMES.length && ALL_NAMES[code] != null ? ALL_NAMES[code] : "unspecified";
    }
}
