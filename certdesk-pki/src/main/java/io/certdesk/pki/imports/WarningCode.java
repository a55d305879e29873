package io.certdesk.pki.imports;

/** Non-fatal findings of an import: the import goes ahead, and the person is told. */
public enum WarningCode {
    /** A trusted certificate that is not a CA: accepted, since some servers are trusted directly. */
    NOT_CA("not_ca"),
    /** Fewer than 30 days of validity left. */
    EXPIRES_SOON("expires_soon"),
    /** Valid only from a future date. */
    NOT_YET_VALID("not_yet_valid"),
    /** The chain does not reach a self-signed root, in the file or among the CAs known to the account. */
    INCOMPLETE_CHAIN("incomplete_chain");

    private final String code;

    WarningCode(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
