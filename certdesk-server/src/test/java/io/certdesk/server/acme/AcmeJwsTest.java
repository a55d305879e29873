package io.certdesk.server.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.certdesk.server.tls.TlsEngine;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AcmeJwsTest {

    static Stream<Arguments> algorithmsOnBothSignatureProviders() throws Exception {
        JWK rsa = new RSAKeyGenerator(2048).generate();
        Map<JWSAlgorithm, JWK> keys = Map.of(
                JWSAlgorithm.RS256, rsa,
                JWSAlgorithm.RS384, rsa,
                JWSAlgorithm.RS512, rsa,
                JWSAlgorithm.PS256, rsa,
                JWSAlgorithm.ES256, new ECKeyGenerator(Curve.P_256).generate(),
                JWSAlgorithm.ES384, new ECKeyGenerator(Curve.P_384).generate(),
                JWSAlgorithm.ES512, new ECKeyGenerator(Curve.P_521).generate());
        Optional<Provider> native_ = TlsEngine.nativeProvider();
        if (Boolean.parseBoolean(System.getenv("CI"))) {
            assertThat(native_).as("BoringSSL (Conscrypt) loads in CI").isPresent();
        }
        Stream<Optional<Provider>> providers =
                native_.isPresent() ? Stream.of(Optional.empty(), native_) : Stream.of(Optional.empty());
        var both = providers.toList();
        return keys.entrySet().stream().flatMap(e -> both.stream().map(p -> Arguments.of(e.getKey(), e.getValue(), p)));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("algorithmsOnBothSignatureProviders")
    void aRequestSignedWithEachAcceptedAlgorithmVerifiesAndATamperedOneDoesNot(
            JWSAlgorithm alg, JWK key, Optional<Provider> signatures) throws Exception {
        byte[] body = flattened(sign(alg, key, "{\"contact\":[\"mailto:a@example.test\"]}"));

        AcmeJws.Parsed parsed = AcmeJws.parse(body);
        AcmeJws.verify(parsed, key.toPublicJWK(), signatures);
        assertThat(parsed.json().path("contact").get(0).asText()).isEqualTo("mailto:a@example.test");

        JWSObject other = sign(alg, key, "{\"contact\":[\"mailto:b@example.test\"]}");
        JWSObject original = parsed.jws();
        byte[] swapped = String.format(
                        "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"}",
                        original.getHeader().toBase64URL(), other.getPayload().toBase64URL(), original.getSignature())
                .getBytes(StandardCharsets.UTF_8);
        AcmeJws.Parsed tampered = AcmeJws.parse(swapped);
        assertThatThrownBy(() -> AcmeJws.verify(tampered, key.toPublicJWK(), signatures))
                .isInstanceOfSatisfying(
                        AcmeException.class, e -> assertThat(e.error()).isEqualTo(AcmeError.MALFORMED));
    }

    private static JWSObject sign(JWSAlgorithm alg, JWK key, String payload) throws Exception {
        JWSSigner signer =
                key instanceof com.nimbusds.jose.jwk.RSAKey r ? new RSASSASigner(r) : new ECDSASigner(key.toECKey());
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(alg)
                        .type(JOSEObjectType.JOSE)
                        .jwk(key.toPublicJWK())
                        .customParam("nonce", "n0nce")
                        .customParam("url", "https://acme.example.test/new-account")
                        .build(),
                new Payload(payload));
        jws.sign(signer);
        return jws;
    }

    private static byte[] flattened(JWSObject jws) {
        return String.format(
                        "{\"protected\":\"%s\",\"payload\":\"%s\",\"signature\":\"%s\"}",
                        jws.getHeader().toBase64URL(), jws.getPayload().toBase64URL(), jws.getSignature())
                .getBytes(StandardCharsets.UTF_8);
    }
}
