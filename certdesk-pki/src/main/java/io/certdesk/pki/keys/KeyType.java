package io.certdesk.pki.keys;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;

/** The key types Certdesk generates, with the signature algorithm each signs with. */
public enum KeyType {
    EC_P256("EC", "secp256r1", 256, "SHA256withECDSA"),
    EC_P384("EC", "secp384r1", 384, "SHA384withECDSA"),
    RSA_2048("RSA", null, 2048, "SHA256withRSA"),
    RSA_3072("RSA", null, 3072, "SHA256withRSA"),
    RSA_4096("RSA", null, 4096, "SHA384withRSA"),
    /** For token signing (JWS EdDSA); browsers and most TLS clients do not accept Ed25519 server certificates. */
    ED25519("Ed25519", null, 255, "Ed25519");

    private final String algorithm;
    private final String curve;
    private final int bits;
    private final String signatureAlgorithm;

    KeyType(String algorithm, String curve, int bits, String signatureAlgorithm) {
        this.algorithm = algorithm;
        this.curve = curve;
        this.bits = bits;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** JCA key algorithm name: {@code EC}, {@code RSA} or {@code Ed25519}. */
    public String algorithm() {
        return algorithm;
    }

    /** Key size in bits (the curve's order size for EC). */
    public int bits() {
        return bits;
    }

    /** JCA name of the signature algorithm a key of this type signs certificates with. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The key type that best describes an existing public key (an issuer's), to choose its signature algorithm. */
    public static KeyType describing(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getOrder().bitLength() > 256 ? EC_P384 : EC_P256;
        }
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength() > 3072 ? RSA_4096 : RSA_2048;
        }
        throw new IllegalArgumentException("unsupported issuer key " + key.getAlgorithm());
    }

    String curve() {
        return curve;
    }
}
