package io.certdesk.pki.scep;

import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

/**
 * Who sent a SCEP request and how to answer it: its transaction ID, the nonce to give back as the
 * recipientNonce, the certificate it was signed with (the answer's envelope is encrypted to it)
 * and the digest and content encryption it used, which the answer uses too.
 */
public final class ScepPeer {
    private final String transactionId;
    private final byte[] senderNonce;
    private final X509Certificate signer;
    final ASN1ObjectIdentifier digest;
    final ASN1ObjectIdentifier contentEncryption;

    ScepPeer(
            String transactionId,
            byte[] senderNonce,
            X509Certificate signer,
            ASN1ObjectIdentifier digest,
            ASN1ObjectIdentifier contentEncryption) {
        this.transactionId = transactionId;
        this.senderNonce = senderNonce.clone();
        this.signer = signer;
        this.digest = digest;
        this.contentEncryption = contentEncryption;
    }

    /** As the SHA-256 digest and AES-128 would answer, for a message whose own algorithms were not taken. */
    ScepPeer withDefaults() {
        return new ScepPeer(
                transactionId,
                senderNonce,
                signer,
                NISTObjectIdentifiers.id_sha256,
                NISTObjectIdentifiers.id_aes128_CBC);
    }

    ScepPeer withContentEncryption(ASN1ObjectIdentifier encryption) {
        return new ScepPeer(transactionId, senderNonce, signer, digest, encryption);
    }

    public String transactionId() {
        return transactionId;
    }

    public byte[] senderNonce() {
        return senderNonce.clone();
    }

    /** The certificate the request was signed with: a self-signed one for a first request, the current one for a renewal. */
    public X509Certificate signer() {
        return signer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScepPeer p
                && p.transactionId.equals(transactionId)
                && Arrays.equals(p.senderNonce, senderNonce)
                && p.signer.equals(signer);
    }

    @Override
    public int hashCode() {
        return transactionId.hashCode();
    }

    @Override
    public String toString() {
        return "ScepPeer[" + transactionId + ", nonce " + HexFormat.of().formatHex(senderNonce) + "]";
    }
}
