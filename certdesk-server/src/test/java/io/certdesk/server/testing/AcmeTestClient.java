package io.certdesk.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A minimal ACME client for protocol tests: one EC key, JWS requests by jwk or kid, EAB bindings. */
public final class AcmeTestClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http;
    private final ECKey key;
    public final String directoryUrl;
    private JsonNode directory;
    private Optional<String> kid = Optional.empty();

    public record Answer(int status, JsonNode json, HttpResponse<byte[]> raw) {
        public String problemType() {
            return json.path("type").asText();
        }
    }

    public AcmeTestClient(String directoryUrl, X509Certificate trusted) throws Exception {
        this(directoryUrl, trusted, new ECKeyGenerator(Curve.P_256).generate());
    }

    /** A client signing with {@code key} (a certificate's own key, to revoke it without an account). */
    public AcmeTestClient(String directoryUrl, X509Certificate trusted, ECKey key) throws Exception {
        this.directoryUrl = directoryUrl;
        this.http = HttpClient.newBuilder()
                .sslContext(io.certdesk.pki.tls.TrustingContext.trustingOnly(java.util.List.of(trusted)))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.key = key;
    }

    public JsonNode directory() throws Exception {
        if (directory == null) {
            var r = http.send(
                    HttpRequest.newBuilder(URI.create(directoryUrl)).build(), HttpResponse.BodyHandlers.ofByteArray());
            directory = MAPPER.readTree(r.body());
        }
        return directory;
    }

    public String nonce() throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create(directory().path("newNonce").asText()))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return r.headers().firstValue("Replay-Nonce").orElseThrow();
    }

    /** A JWS body signed with this client's key: by kid once it has an account, else by jwk (or {@code byJwk}). */
    public String jws(String url, String nonce, Object payload, boolean byJwk) throws Exception {
        JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).customParam("url", url);
        if (nonce != null) {
            header.customParam("nonce", nonce);
        }
        if (byJwk || kid.isEmpty()) {
            header.jwk(key.toPublicJWK());
        } else {
            header.keyID(kid.get());
        }
        JWSObject jws = new JWSObject(
                header.build(), payload == null ? new Payload("") : new Payload(MAPPER.writeValueAsString(payload)));
        jws.sign(new ECDSASigner(key));
        return flattened(jws);
    }

    static String flattened(JWSObject jws) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("protected", jws.getHeader().toBase64URL().toString());
        body.put("payload", jws.getPayload().toBase64URL().toString());
        body.put("signature", jws.getSignature().toString());
        return MAPPER.writeValueAsString(body);
    }

    public Answer post(String url, String body) throws Exception {
        var r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/jose+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json;
        try {
            json = r.body().length == 0 ? MAPPER.nullNode() : MAPPER.readTree(r.body());
        } catch (java.io.IOException e) {
            json = MAPPER.getNodeFactory().textNode(new String(r.body()));
        }
        return new Answer(r.statusCode(), json, r);
    }

    /** POSTs {@code payload} (null: POST-as-GET) to {@code url} with a fresh nonce. */
    public Answer send(String url, Object payload) throws Exception {
        return post(url, jws(url, nonce(), payload, false));
    }

    /** The externalAccountBinding of this client's key for the credential. */
    public Map<String, String> binding(String keyId, String hmacKey) throws Exception {
        JWSObject eab = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.HS256)
                        .keyID(keyId)
                        .customParam("url", directory().path("newAccount").asText())
                        .build(),
                new Payload(key.toPublicJWK().toJSONString()));
        eab.sign(new MACSigner(Base64URL.from(hmacKey).decode()));
        return MAPPER.readValue(flattened(eab), Map.class);
    }

    /** Makes the account with EAB; later requests go by kid. */
    public Answer register(String keyId, String hmacKey) throws Exception {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("termsOfServiceAgreed", true);
        payload.put("contact", java.util.List.of("mailto:ops@acme.test"));
        payload.put("externalAccountBinding", binding(keyId, hmacKey));
        Answer a = send(directory().path("newAccount").asText(), payload);
        a.raw().headers().firstValue("Location").ifPresent(l -> kid = Optional.of(l));
        return a;
    }

    /** Signs later requests by kid as the account at {@code accountUrl} (one this client's key already holds). */
    public void signAs(String accountUrl) {
        kid = Optional.of(accountUrl);
    }

    public String thumbprint() throws Exception {
        return key.computeThumbprint().toString();
    }
}
