package io.certdesk.pki.scep;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;

/** The authenticated attributes of SCEP messages (RFC 8894 §3.2.1), under the VeriSign arc they were first given. */
final class ScepAttributes {
    private static final ASN1ObjectIdentifier ARC = new ASN1ObjectIdentifier("2.16.840.1.113733.1.9");
    static final ASN1ObjectIdentifier MESSAGE_TYPE = ARC.branch("2");
    static final ASN1ObjectIdentifier PKI_STATUS = ARC.branch("3");
    static final ASN1ObjectIdentifier FAIL_INFO = ARC.branch("4");
    static final ASN1ObjectIdentifier SENDER_NONCE = ARC.branch("5");
    static final ASN1ObjectIdentifier RECIPIENT_NONCE = ARC.branch("6");
    static final ASN1ObjectIdentifier TRANSACTION_ID = ARC.branch("7");
    /** failInfoText (RFC 8894 §3.2.1.4.5): a human-readable reason beside the failInfo. */
    static final ASN1ObjectIdentifier FAIL_INFO_TEXT = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.24.1");

    /** A nonce is 16 octets (RFC 8894 §3.2.1.5). */
    static final int NONCE_LENGTH = 16;
    /** The longest transaction ID read (they are hashes of a key, hex or base64: well under this). */
    static final int MAX_TRANSACTION_ID = 128;

    private ScepAttributes() {}
}
