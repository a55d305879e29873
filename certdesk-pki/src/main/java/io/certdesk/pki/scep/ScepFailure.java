package io.certdesk.pki.scep;

/** The failInfo of a FAILURE answer (RFC 8894 §3.2.1.4.5): why a request was refused. */
public enum ScepFailure {
    /** An algorithm (digest, content encryption, key) the server does not take. */
    BAD_ALG(0),
    /** The message's signature or its envelope does not check out. */
    BAD_MESSAGE_CHECK(1),
    /** Refused by policy: a wrong or spent challenge password, names outside the account, an admin's rejection. */
    BAD_REQUEST(2),
    /** The message's signing time is too far from the server's clock. */
    BAD_TIME(3),
    /** No certificate or request matches what was asked for. */
    BAD_CERT_ID(4);

    private final int value;

    ScepFailure(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
