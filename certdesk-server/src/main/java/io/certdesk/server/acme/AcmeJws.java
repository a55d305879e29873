package io.certdesk.server.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.PublicKey;
import java.text.ParseException;
import java.util.Optional;
import java.util.Set;

/**
 * An ACME request body as RFC 8555 §6.2 has it: a flattened JWS whose protected header names the
 * algorithm (asymmetric only), the nonce, the URL it was sent to, and either the account ({@code
 * kid}) or a key ({@code jwk}), never both; its signature verified with that key.
 */
public final class AcmeJws {
    /** The algorithms an account key may sign with (RFC 7518 names). */
    public static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    public static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AcmeJws() {}

    /** A parsed request, its signature not checked yet. */
    public record Parsed(
            JWSObject jws, String nonce, String url, Optional<String> kid, Optional<JWK> jwk, byte[] payload) {
        /** A POST-as-GET: an empty payload. */
        public boolean empty() {
            return payload.length == 0;
        }

        /** The payload as a JSON object (an empty object for POST-as-GET). */
        public JsonNode json() {
            if (payload.length == 0) {
                return MAPPER.createObjectNode();
            }
            try {
                JsonNode node = MAPPER.readTree(payload);
                if (node == null || !node.isObject()) {
                    throw AcmeException.malformed("The JWS payload is not a JSON object.");
                }
                return node;
            } catch (IOException e) {
                throw AcmeException.malformed("The JWS payload is not JSON.");
            }
        }
    }

    /** Reads the flattened JWS of an ACME request: {@code malformed} or {@code badSignatureAlgorithm} when it is not one. */
    public static Parsed parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw AcmeException.malformed("The request has no body: ACME requests are JWS (application/jose+json).");
        }
        if (body.length > MAX_BYTES) {
            throw AcmeException.malformed("The request body is over " + MAX_BYTES + " bytes.");
        }
        JsonNode outer;
        try {
            outer = MAPPER.readTree(body);
        } catch (IOException e) {
            throw AcmeException.malformed("The request body is not JSON: a flattened JWS is expected.");
        }
        if (outer == null
                || !outer.isObject()
                || !outer.path("protected").isTextual()
                || !outer.path("payload").isTextual()
                || !outer.path("signature").isTextual()
                || outer.has("header")
                || outer.has("signatures")) {
            throw AcmeException.malformed(
                    "The body must be a flattened JWS with 'protected', 'payload' and 'signature' and no unprotected header.");
        }
        JWSObject jws;
        try {
            jws = new JWSObject(
                    new Base64URL(outer.get("protected").asText()),
                    new Base64URL(outer.get("payload").asText()),
                    new Base64URL(outer.get("signature").asText()));
        } catch (ParseException | RuntimeException e) {
            throw AcmeException.malformed("The JWS cannot be read: " + e.getMessage());
        }
        JWSAlgorithm alg = jws.getHeader().getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            throw new AcmeException(
                    AcmeError.BAD_SIGNATURE_ALGORITHM,
                    "The JWS is signed with " + alg + "; accepted: RS256, RS384, RS512, PS256, ES256, ES384, ES512.");
        }
        Object nonce = jws.getHeader().getCustomParam("nonce");
        Object url = jws.getHeader().getCustomParam("url");
        if (!(url instanceof String u) || u.isEmpty()) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "The JWS protected header has no 'url'.");
        }
        if (!(nonce instanceof String n) || n.isEmpty()) {
            throw new AcmeException(AcmeError.BAD_NONCE, "The JWS protected header has no 'nonce'.");
        }
        Optional<String> kid = Optional.ofNullable(jws.getHeader().getKeyID());
        Optional<JWK> jwk = Optional.ofNullable(jws.getHeader().getJWK());
        if (kid.isPresent() == jwk.isPresent()) {
            throw AcmeException.malformed("The JWS protected header must have exactly one of 'kid' and 'jwk'.");
        }
        if (jwk.isPresent() && jwk.get().isPrivate()) {
            throw AcmeException.malformed("The 'jwk' holds a private key: send the public key only.");
        }
        return new Parsed(jws, n, u, kid, jwk, jws.getPayload().toBytes());
    }

    /** Verifies the signature with {@code key} on the JDK's signatures; see {@link #verify(Parsed, JWK, Optional)}. */
    public static void verify(Parsed parsed, JWK key) {
        verify(parsed, key, Optional.empty());
    }

    /**
     * Verifies the signature with {@code key}: {@code badPublicKey} for a weak or unsupported key,
     * {@code malformed} when it does not verify. ECDSA and RSA PKCS#1 v1.5 signatures are checked
     * by {@code signatures} where one is given (BoringSSL's, several times the JDK 17's speed: an
     * ES256 verification is most of an ACME request's CPU), RSA-PSS always by the JDK.
     */
    public static void verify(Parsed parsed, JWK key, Optional<Provider> signatures) {
        JWSVerifier verifier = verifier(key);
        JWSAlgorithm alg = parsed.jws().getHeader().getAlgorithm();
        if (!alg.equals(JWSAlgorithm.PS256)) {
            signatures.ifPresent(p -> verifier.getJCAContext().setProvider(p));
        }
        boolean matches = (key instanceof RSAKey && JWSAlgorithm.Family.RSA.contains(alg))
                || (key instanceof ECKey ec
                        && JWSAlgorithm.Family.EC.contains(alg)
                        && ECDSAVerifier.SUPPORTED_ALGORITHMS.contains(alg)
                        && curveFits(ec, alg));
        if (!matches) {
            throw new AcmeException(
                    AcmeError.BAD_SIGNATURE_ALGORITHM, "The algorithm " + alg + " does not fit the account key.");
        }
        try {
            if (!parsed.jws().verify(verifier)) {
                throw AcmeException.malformed("The JWS signature does not verify with the key it names.");
            }
        } catch (JOSEException e) {
            throw AcmeException.malformed("The JWS signature cannot be checked: " + e.getMessage());
        }
    }

    /** The key's JCA form, refusing RSA under 2048 bits and curves other than P-256/384/521. */
    static JWSVerifier verifier(JWK key) {
        try {
            if (key instanceof RSAKey rsa) {
                PublicKey pub = rsa.toRSAPublicKey();
                int bits = rsa.toRSAPublicKey().getModulus().bitLength();
                if (bits < 2048 || bits > 8192) {
                    throw new AcmeException(
                            AcmeError.BAD_PUBLIC_KEY,
                            "An RSA account key of " + bits + " bits: 2048 to 8192 are accepted.");
                }
                return new RSASSAVerifier((java.security.interfaces.RSAPublicKey) pub);
            }
            if (key instanceof ECKey ec) {
                return new ECDSAVerifier(ec.toECPublicKey());
            }
        } catch (JOSEException e) {
            throw new AcmeException(AcmeError.BAD_PUBLIC_KEY, "The account key cannot be used: " + e.getMessage());
        }
        throw new AcmeException(
                AcmeError.BAD_PUBLIC_KEY,
                "Account keys are RSA or EC (P-256, P-384, P-521); found " + key.getKeyType() + ".");
    }

    private static boolean curveFits(ECKey ec, JWSAlgorithm alg) {
        return (alg.equals(JWSAlgorithm.ES256) && ec.getCurve().equals(com.nimbusds.jose.jwk.Curve.P_256))
                || (alg.equals(JWSAlgorithm.ES384) && ec.getCurve().equals(com.nimbusds.jose.jwk.Curve.P_384))
                || (alg.equals(JWSAlgorithm.ES512) && ec.getCurve().equals(com.nimbusds.jose.jwk.Curve.P_521));
    }

    /**
     * The external account binding of a new account (RFC 8555 §7.3.4): a JWS over the account's
     * JWK, MACed (HS256/384/512) with the credential's key, naming the credential and the URL.
     */
    public record Binding(String keyId, JWSObject jws) {}

    public static Binding readBinding(JsonNode eab, String expectedUrl, JWK accountKey) {
        if (!eab.isObject()
                || !eab.path("protected").isTextual()
                || !eab.path("payload").isTextual()
                || !eab.path("signature").isTextual()) {
            throw AcmeException.malformed("externalAccountBinding must be a flattened JWS.");
        }
        JWSObject jws;
        try {
            jws = new JWSObject(
                    new Base64URL(eab.get("protected").asText()),
                    new Base64URL(eab.get("payload").asText()),
                    new Base64URL(eab.get("signature").asText()));
        } catch (ParseException | RuntimeException e) {
            throw AcmeException.malformed("externalAccountBinding cannot be read: " + e.getMessage());
        }
        JWSAlgorithm alg = jws.getHeader().getAlgorithm();
        if (!JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            throw AcmeException.malformed(
                    "externalAccountBinding is MACed with HS256, HS384 or HS512; found " + alg + ".");
        }
        if (jws.getHeader().getCustomParam("nonce") != null) {
            throw AcmeException.malformed("externalAccountBinding has no nonce.");
        }
        if (!expectedUrl.equals(jws.getHeader().getCustomParam("url"))) {
            throw AcmeException.malformed("externalAccountBinding's url is not the newAccount URL.");
        }
        String keyId = jws.getHeader().getKeyID();
        if (keyId == null || keyId.isEmpty()) {
            throw AcmeException.malformed("externalAccountBinding names no kid (the EAB key id).");
        }
        try {
            JWK bound = JWK.parse(new String(jws.getPayload().toBytes(), StandardCharsets.UTF_8));
            if (!bound.computeThumbprint().equals(accountKey.computeThumbprint())) {
                throw AcmeException.malformed("externalAccountBinding binds another key than the account's.");
            }
        } catch (ParseException | JOSEException e) {
            throw AcmeException.malformed("externalAccountBinding's payload is not the account's JWK.");
        }
        return new Binding(keyId, jws);
    }

    /** Whether the binding's MAC verifies with the credential's key. */
    public static boolean macVerifies(Binding binding, byte[] key) {
        try {
            return binding.jws().verify(new MACVerifier(key));
        } catch (JOSEException e) {
            return false;
        }
    }

    /** RFC 7638 thumbprint (SHA-256, base64url): the key's identity. */
    public static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new AcmeException(AcmeError.BAD_PUBLIC_KEY, "The key's thumbprint cannot be computed.");
        }
    }
}
