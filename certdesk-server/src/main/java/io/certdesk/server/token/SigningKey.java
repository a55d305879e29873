package io.certdesk.server.token;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;

/**
 * A signing chain ready to sign JWS: its signer, the algorithm its key implies, and the public
 * JWK published for it ({@code kid} = RFC 7638 thumbprint, {@code x5c} = the whole chain).
 */
public record SigningKey(String chainId, JWSAlgorithm algorithm, JWSSigner signer, JWK publicJwk) {

    /** Builds the signer and JWK of a chain; refuses keys JWS cannot use here. */
    public static SigningKey of(String chainId, PrivateKey key, List<X509Certificate> chain) {
        try {
            X509Certificate leaf = chain.get(0);
            List<Base64> x5c = new ArrayList<>();
            for (X509Certificate certificate : chain) {
                x5c.add(Base64.encode(certificate.getEncoded()));
            }
            if (key instanceof RSAPrivateKey rsa) {
                RSAKey base = RSAKey.parse(leaf);
                RSAKey jwk = new RSAKey.Builder(base).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).x509CertChain(x5c)
                        .keyIDFromThumbprint().build();
                return new SigningKey(chainId, JWSAlgorithm.RS256, new RSASSASigner(rsa), jwk);
            }
            if (key instanceof ECPrivateKey ec) {
                ECKey base = ECKey.parse(leaf);
                JWSAlgorithm algorithm = algorithmOf(base.getCurve());
                ECKey jwk = new ECKey.Builder(base).keyUse(KeyUse.SIGNATURE).algorithm(algorithm).x509CertChain(x5c)
                        .keyIDFromThumbprint().build();
                return new SigningKey(chainId, algorithm, new ECDSASigner(ec), jwk);
            }
            throw new IllegalArgumentException("no JWS signer for " + key.getAlgorithm() + " keys");
        } catch (JOSEException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot prepare the signing key of chain " + chainId, e);
        }
    }

    static JWSAlgorithm algorithmOf(Curve curve) {
        if (Curve.P_256.equals(curve)) {
            return JWSAlgorithm.ES256;
        }
        if (Curve.P_384.equals(curve)) {
            return JWSAlgorithm.ES384;
        }
        if (Curve.P_521.equals(curve)) {
            return JWSAlgorithm.ES512;
        }
        throw new IllegalArgumentException("no JWS algorithm for curve " + curve);
    }

    public String kid() {
        return publicJwk.getKeyID();
    }

    @Override
    public String toString() {
        return "SigningKey[chain=" + chainId + ", kid=" + kid() + ", alg=" + algorithm + "]";
    }
}
