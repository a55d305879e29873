package io.certdesk.pki.scep;

/** The pkiStatus of a CertRep (RFC 8894 §3.2.1.3). */
public enum ScepStatus {
    SUCCESS(0),
    FAILURE(2),
    PENDING(3);

    private final int value;

    ScepStatus(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
