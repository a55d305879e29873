package io.certdesk.pki.scep;

import java.util.Optional;

/** The messageType attribute of a SCEP message (RFC 8894 §3.2.1.2), a decimal number as a PrintableString. */
public enum ScepMessageType {
    /** The server's answer to every request. */
    CERT_REP(3),
    /** A request for a new certificate signed by a certificate the CA issued (the one being renewed). */
    RENEWAL_REQ(17),
    /** A request for a certificate: a PKCS#10 with the challenge password, signed by the requester's key. */
    PKCS_REQ(19),
    /** Asks again about a request answered PENDING (GetCertInitial in older drafts). */
    CERT_POLL(20),
    /** Asks for a certificate the CA issued, by its issuer and serial. */
    GET_CERT(21),
    /** Asks for the CRL of the CA that issued a certificate. */
    GET_CRL(22);

    private final int value;

    ScepMessageType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static Optional<ScepMessageType> of(String number) {
        for (ScepMessageType type : values()) {
            if (Integer.toString(type.value).equals(number)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
