package io.certdesk.server.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSProvider;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.certdesk.pki.Providers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A signing chain ready to sign and verify JWS: its signer, its verifier, the algorithm its key
 * implies, and the public JWK published for it ({@code kid} = RFC 7638 thumbprint, {@code x5c} =
 * the whole chain). Ed25519 is signed with the JDK's own EdDSA (Java 15+), so no extra library.
 *
 * <p>RSA and ECDSA are signed with BoringSSL (Conscrypt's provider) when one is given: an
 * RSA-2048 signature costs a third of the JDK 17's there, a P-256 one a third of Bouncy Castle's.
 * Without it, RSA is the JDK's and ECDSA Bouncy Castle's. RS256 tokens are the same bytes either
 * way (PKCS#1 v1.5 signatures are deterministic); ECDSA ones differ by their random nonce only.
 */
public record SigningKey(
        String chainId,
        JWSAlgorithm algorithm,
        JWSSigner signer,
        JWSVerifier verifier,
        JWK publicJwk,
        JWSHeader header,
        String encodedHeader) {
    /** Every algorithm a signing key here may have. */
    public static final List<JWSAlgorithm> ALGORITHMS =
            List.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);
    /** The SubjectPublicKeyInfo of an Ed25519 key is this 12-byte header and the 32-byte key. */
    private static final int ED25519_SPKI_LENGTH = 44;

    private static final java.util.Base64.Encoder BASE64URL =
            java.util.Base64.getUrlEncoder().withoutPadding();
    private static final byte[] ED25519_SPKI_HEADER = HexFormat.of().parseHex("302a300506032b6570032100");

    /** As {@link #of(String, PrivateKey, List, Optional)} with the JDK's and Bouncy Castle's providers only. */
    public static SigningKey of(String chainId, PrivateKey key, List<X509Certificate> chain) {
        return of(chainId, key, chain, Optional.empty());
    }

    /**
     * Builds the signer, verifier and JWK of a chain; refuses keys JWS cannot use here. RSA and
     * ECDSA keys are made {@code nativeProvider}'s own once here, when it is given and takes them.
     */
    public static SigningKey of(
            String chainId, PrivateKey key, List<X509Certificate> chain, Optional<Provider> nativeProvider) {
        try {
            JWK jwk = publicJwk(chain);
            JWSAlgorithm algorithm = (JWSAlgorithm) jwk.getAlgorithm();
            Optional<PrivateKey> nativeKey = nativeProvider.flatMap(p -> nativeKey(p, key));
            Optional<Provider> native_ = nativeKey.isPresent() ? nativeProvider : Optional.empty();
            JWSSigner signer;
            if (key instanceof RSAPrivateKey rsa) {
                if (nativeKey.isPresent()) {
                    RSASSASigner rsassa = new RSASSASigner(nativeKey.get());
                    rsassa.getJCAContext().setProvider(native_.get());
                    signer = rsassa;
                } else {
                    signer = new RSASSASigner(rsa);
                }
            } else if (key instanceof ECPrivateKey ec) {
                // Without BoringSSL: Bouncy Castle's P-256/384/521 arithmetic signs several times faster
                // than the JDK 17 provider's, once the key is its own: then the curve's precomputed
                // multiples of the base point are kept with the key instead of being rebuilt each time.
                Provider provider = native_.orElse(Providers.BC);
                ECDSASigner ecdsa = new ECDSASigner(
                        (ECPrivateKey) (nativeKey.isPresent() ? nativeKey.get() : translated(ec, provider)));
                ecdsa.getJCAContext().setProvider(provider);
                signer = LowS.signer(ecdsa, ec.getParams().getOrder());
            } else if (JWSAlgorithm.EdDSA.equals(algorithm)) {
                signer = new JdkEd25519Signer(key);
            } else {
                throw new IllegalArgumentException("no JWS signer for " + key.getAlgorithm() + " keys");
            }
            // The protected header is the same for every token of this key: built and encoded once.
            JWSHeader header = new JWSHeader.Builder(algorithm)
                    .type(JOSEObjectType.JWT)
                    .keyID(jwk.getKeyID())
                    .x509CertSHA256Thumbprint(jwk.getX509CertSHA256Thumbprint())
                    .build();
            return new SigningKey(
                    chainId,
                    algorithm,
                    signer,
                    verifier(jwk, chain.get(0).getPublicKey(), native_),
                    jwk,
                    header,
                    header.toBase64URL().toString());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot prepare the signing key of chain " + chainId, e);
        }
    }

    /** The JWK published for a chain, from its certificates alone. */
    public static JWK publicJwk(List<X509Certificate> chain) throws JOSEException {
        X509Certificate leaf = chain.get(0);
        List<Base64> x5c = new ArrayList<>();
        try {
            for (X509Certificate certificate : chain) {
                x5c.add(Base64.encode(certificate.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new JOSEException("a certificate of the chain cannot be encoded", e);
        }
        PublicKey key = leaf.getPublicKey();
        if (key instanceof RSAPublicKey) {
            return new RSAKey.Builder(RSAKey.parse(leaf))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .x509CertChain(x5c)
                    .keyIDFromThumbprint()
                    .build();
        }
        if (key instanceof ECPublicKey) {
            ECKey base = ECKey.parse(leaf);
            return new ECKey.Builder(base)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(algorithmOf(base.getCurve()))
                    .x509CertChain(x5c)
                    .keyIDFromThumbprint()
                    .build();
        }
        byte[] spki = key.getEncoded();
        if (spki.length == ED25519_SPKI_LENGTH
                && (key.getAlgorithm().equals("EdDSA") || key.getAlgorithm().equals("Ed25519"))) {
            return new OctetKeyPair.Builder(
                            Curve.Ed25519,
                            Base64URL.encode(Arrays.copyOfRange(spki, ED25519_SPKI_HEADER.length, ED25519_SPKI_LENGTH)))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.EdDSA)
                    .x509CertChain(x5c)
                    .keyIDFromThumbprint()
                    .build();
        }
        throw new IllegalArgumentException("no JWS algorithm for " + key.getAlgorithm() + " keys");
    }

    private static JWSVerifier verifier(JWK jwk, PublicKey publicKey, Optional<Provider> nativeProvider)
            throws JOSEException {
        if (jwk instanceof RSAKey rsa) {
            RSASSAVerifier verifier = new RSASSAVerifier(rsa);
            nativeProvider.ifPresent(p -> verifier.getJCAContext().setProvider(p));
            return verifier;
        }
        if (jwk instanceof ECKey ec) {
            ECPublicKey publicEc = ec.toECPublicKey();
            Provider provider = nativeProvider.orElse(Providers.BC);
            ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) translated(publicEc, provider));
            verifier.getJCAContext().setProvider(provider);
            return LowS.verifier(verifier, publicEc.getParams().getOrder());
        }
        return new JdkEd25519Verifier(publicKey);
    }

    /** The same RSA or EC key as {@code provider}'s own key object. */
    private static Key translated(Key key, Provider provider) throws JOSEException {
        try {
            String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm();
            return KeyFactory.getInstance(algorithm, provider).translateKey(key);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot read the " + key.getAlgorithm() + " key", e);
        }
    }

    /**
     * The key as {@code provider}'s own, when the provider takes it and signs a probe with it; empty
     * otherwise: a native library that loads but refuses a key leaves the key to the Java providers.
     */
    private static Optional<PrivateKey> nativeKey(Provider provider, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return Optional.empty();
        }
        try {
            PrivateKey translated = (PrivateKey) translated(key, provider);
            Signature signature = Signature.getInstance(algorithm, provider);
            signature.initSign(translated);
            signature.update(PROBE);
            signature.sign();
            return Optional.of(translated);
        } catch (GeneralSecurityException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final byte[] PROBE = "certdesk signing probe".getBytes(StandardCharsets.US_ASCII);

    /** A verifier for a published public JWK (RSA, EC, or an Ed25519 OKP), as a token's recipient builds it. */
    public static JWSVerifier verifierFor(JWK jwk) throws JOSEException {
        if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            byte[] raw = okp.getX().decode();
            byte[] spki = new byte[ED25519_SPKI_LENGTH];
            System.arraycopy(ED25519_SPKI_HEADER, 0, spki, 0, ED25519_SPKI_HEADER.length);
            System.arraycopy(raw, 0, spki, ED25519_SPKI_HEADER.length, Math.min(raw.length, 32));
            try {
                return new JdkEd25519Verifier(
                        KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
            } catch (GeneralSecurityException e) {
                throw new JOSEException("not an Ed25519 public key", e);
            }
        }
        if (jwk instanceof RSAKey || jwk instanceof ECKey) {
            return verifier(jwk, null, Optional.empty());
        }
        throw new JOSEException("no verifier for " + jwk.getKeyType() + " keys");
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

    /**
     * The JWS compact serialization (RFC 7515 §7.1) of {@code claims} signed with this key. The
     * header's encoding is reused and the claims are encoded with the JDK's Base64: the library's
     * constant-time codec, meant for secrets, cost more than the signature on public claims.
     */
    public String sign(JWTClaimsSet claims) throws JOSEException {
        String payload = BASE64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        String signingInput = encodedHeader + "." + payload;
        Base64URL signature = signer.sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + signature;
    }

    public String kid() {
        return publicJwk.getKeyID();
    }

    @Override
    public String toString() {
        return "SigningKey[chain=" + chainId + ", kid=" + kid() + ", alg=" + algorithm + "]";
    }

    /** EdDSA (RFC 8037) over Ed25519 with the JDK's provider: what its signer and verifier share. */
    private abstract static class JdkEd25519 implements JWSProvider {
        private final JCAContext context = new JCAContext();

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA);
        }

        @Override
        public JCAContext getJCAContext() {
            return context;
        }
    }

    private static final class JdkEd25519Signer extends JdkEd25519 implements JWSSigner {
        private final PrivateKey key;

        JdkEd25519Signer(PrivateKey key) {
            this.key = key;
        }

        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("an Ed25519 key signs EdDSA only, not " + header.getAlgorithm());
            }
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(key);
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("Ed25519 signing failed", e);
            }
        }
    }

    private static final class JdkEd25519Verifier extends JdkEd25519 implements JWSVerifier {
        private final PublicKey key;

        JdkEd25519Verifier(PublicKey key) {
            this.key = key;
        }

        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return false;
            }
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(signingInput);
                return verifier.verify(signature.decode());
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
    }
}
