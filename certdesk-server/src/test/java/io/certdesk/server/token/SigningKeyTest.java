package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.tls.TlsEngine;
import java.security.Provider;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A signing key signs with BoringSSL when the server has it, and its tokens are the ones the
 * Java providers make: for RS256 the same bytes, for ECDSA signatures each path's verifier takes.
 */
class SigningKeyTest {
    private static final JWTClaimsSet CLAIMS = new JWTClaimsSet.Builder()
            .issuer("https://certdesk.test/api/v1/accounts/a")
            .subject("client")
            .audience("https://certdesk.test/api/v1/accounts/a")
            .expirationTime(new Date(1_900_000_000_000L))
            .jwtID("0f8e2d6c")
            .build();

    private static Provider boringSsl() {
        Optional<Provider> provider = TlsEngine.nativeProvider();
        if (System.getenv("CI") == null) {
            assumeThat(provider).as("Conscrypt's native library loads here").isPresent();
        }
        return provider.orElseThrow(() -> new AssertionError("Conscrypt does not load, and CI has it"));
    }

    @Test
    void anRs256TokenIsTheSameBytesSignedByBoringSslAndByTheJdk() throws Exception {
        for (KeyType type : List.of(KeyType.RSA_2048, KeyType.RSA_3072)) {
            var leaf = TestCa.certificate("CN=Token signing").keyType(type).build();
            SigningKey boring = SigningKey.of("c", leaf.key(), List.of(leaf.certificate()), Optional.of(boringSsl()));
            SigningKey jdk = SigningKey.of("c", leaf.key(), List.of(leaf.certificate()));

            assertThat(((RSASSASigner) boring.signer()).getJCAContext().getProvider())
                    .as("BoringSSL signs")
                    .isEqualTo(boringSsl());
            assertThat(((RSASSASigner) jdk.signer()).getJCAContext().getProvider())
                    .as("the JDK signs")
                    .isNull();
            String token = boring.sign(CLAIMS);
            assertThat(token).as(type.name()).isEqualTo(jdk.sign(CLAIMS));
            assertThat(JWSObject.parse(token).verify(jdk.verifier())).isTrue();
        }
    }

    @Test
    void anEcdsaTokenSignedByBoringSslVerifiesWithBouncyCastleAndTheOtherWayRound() throws Exception {
        for (KeyType type : List.of(KeyType.EC_P256, KeyType.EC_P384)) {
            var leaf = TestCa.certificate("CN=Token signing").keyType(type).build();
            SigningKey boring = SigningKey.of("c", leaf.key(), List.of(leaf.certificate()), Optional.of(boringSsl()));
            SigningKey java = SigningKey.of("c", leaf.key(), List.of(leaf.certificate()));

            assertThat(JWSObject.parse(boring.sign(CLAIMS)).verify(java.verifier()))
                    .as(type + " by BoringSSL, verified by Bouncy Castle")
                    .isTrue();
            assertThat(JWSObject.parse(java.sign(CLAIMS)).verify(boring.verifier()))
                    .as(type + " by Bouncy Castle, verified by BoringSSL")
                    .isTrue();
            String tampered =
                    boring.sign(CLAIMS).replaceFirst("\\.[^.]+\\.", "." + base64("{\"sub\":\"other\"}") + ".");
            assertThat(JWSObject.parse(tampered).verify(boring.verifier()))
                    .as("another payload under the signature")
                    .isFalse();
        }
    }

    private static String base64(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
    }
}
