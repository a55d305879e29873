package io.certdesk.server.testing;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/** Verifies tokens against a published JWK set, independently of the server's own verifier. */
public final class Jwks {
    /** The DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes. */
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Jwks() {}

    public static JWKSet fetch(TestServer server, String account) throws Exception {
        return JWKSet.parse(server.anonymous()
                .get("/api/v1/accounts/" + account + "/.well-known/jwks.json")
                .assertStatus(200)
                .text());
    }

    /** True when the key named by the token's kid is in {@code keys} and its signature verifies. */
    public static boolean verifies(JWKSet keys, String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        if (key == null) {
            return false;
        }
        if (key instanceof RSAKey rsa) {
            return jwt.verify(new RSASSAVerifier(rsa));
        }
        if (key instanceof ECKey ec) {
            return jwt.verify(new ECDSAVerifier(ec));
        }
        if (key instanceof OctetKeyPair okp && jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.EdDSA)) {
            byte[] raw = okp.getX().decode();
            byte[] spki = new byte[ED25519_SPKI_PREFIX.length + raw.length];
            System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
            System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
            verifier.update(jwt.getSigningInput());
            return verifier.verify(jwt.getSignature().decode());
        }
        return false;
    }
}
