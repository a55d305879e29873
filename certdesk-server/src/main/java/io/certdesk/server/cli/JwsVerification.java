package io.certdesk.server.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * Checks a token's signature with a key the account publishes, as any JOSE verifier would:
 * RS256 and ES256/384/512 with Nimbus, EdDSA (Ed25519) with the JDK's own signature (Nimbus
 * needs Tink for it).
 */
final class JwsVerification {
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 raw key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    private JwsVerification() {}

    /** True when {@code key} verifies the token's signature under the algorithm its header names. */
    static boolean verifies(SignedJWT jwt, JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return jwt.verify(new RSASSAVerifier(rsa));
        }
        if (key instanceof ECKey ec) {
            return jwt.verify(new ECDSAVerifier(ec));
        }
        if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            if (!JWSAlgorithm.EdDSA.equals(alg) && !JWSAlgorithm.Ed25519.equals(alg)) {
                return false;
            }
            byte[] raw = okp.getX().decode();
            if (raw.length != 32) {
                return false;
            }
            byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
            try {
                Signature ed = Signature.getInstance("Ed25519");
                ed.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
                ed.update(jwt.getSigningInput());
                return ed.verify(jwt.getSignature().decode());
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        throw new JOSEException("no verifier for " + key.getKeyType() + " keys");
    }
}
