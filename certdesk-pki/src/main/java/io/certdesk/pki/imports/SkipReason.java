package io.certdesk.pki.imports;

/** Why a certificate of a trusted-CA file was not imported (and the import went on); a stable code. */
public enum SkipReason {
    /** The account already trusts this certificate. */
    ALREADY_IMPORTED("already_imported");

    private final String code;

    SkipReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
