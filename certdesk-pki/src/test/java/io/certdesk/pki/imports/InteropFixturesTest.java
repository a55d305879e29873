package io.certdesk.pki.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainPurpose;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Files written by OpenSSL 3, keytool and the JDK (see interop/make-fixtures.sh) import as their tools meant. */
class InteropFixturesTest {
    private static final char[] PASSWORD = "interop-pass".toCharArray();
    private static final Set<String> DOMAINS = Set.of("print.interop.test");
    /** The fixtures are valid for a century from the day they were made (2026-11-26). */
    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = InteropFixturesTest.class.getResourceAsStream("/interop/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl3-default.p12", "openssl3-legacy.p12", "jdk.p12"})
    void aFullChainFromEachToolImportsLeafToRoot(String file) throws Exception {
        var result = PrivateChainImport.evaluate(fixture(file), PASSWORD, DOMAINS, List.of(), NOW);
        assertThat(result.chains()).hasSize(1);
        var chain = result.chains().get(0);
        assertThat(chain.certificates())
                .extracting(c -> c.getSubjectX500Principal().getName())
                .containsExactly(
                        "CN=print.interop.test", "CN=Interop Issuing CA,O=Interop", "CN=Interop Root CA,O=Interop");
        assertThat(chain.certificates().get(2)).isEqualTo(root());
        assertThat(chain.purposes()).containsExactlyInAnyOrder(ChainPurpose.TLS_SERVER, ChainPurpose.TOKEN_SIGNING);
        assertThat(chain.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(result.warnings()).isEmpty();
        assertThat(result.ignored()).isEmpty();
    }

    @Test
    void aKeytoolSelfSignedPairImports() throws Exception {
        var result = PrivateChainImport.evaluate(fixture("keytool.p12"), PASSWORD, DOMAINS, List.of(), NOW);
        assertThat(result.chains()).hasSize(1);
        assertThat(result.chains().get(0).certificates()).hasSize(1);
        assertThat(result.chains().get(0).dnsNames()).containsExactly("print.interop.test");
    }

    @Test
    void theJdkWithAnotherKeyPasswordIsAPasswordMismatch() throws Exception {
        assertRefused("jdk-different-key-password.p12", PASSWORD, PkiError.PASSWORD_MISMATCH);
    }

    @Test
    void theWrongPasswordOnEachToolsFileIsAWrongPassword() throws Exception {
        for (String file : List.of("openssl3-default.p12", "openssl3-legacy.p12", "jdk.p12", "keytool.p12")) {
            assertRefused(file, "nope".toCharArray(), PkiError.WRONG_PASSWORD);
        }
    }

    @Test
    void anOpensslFileWithoutPasswordOrKeyIsRefusedForWhatItLacks() throws Exception {
        assertRefused("openssl3-no-password.p12", PASSWORD, PkiError.PASSWORD_REQUIRED);
        assertRefused("openssl3-certificates-only.p12", PASSWORD, PkiError.NO_PRIVATE_KEY);
    }

    private static void assertRefused(String file, char[] password, PkiError expected) throws IOException {
        byte[] bytes = fixture(file);
        assertThatThrownBy(() -> PrivateChainImport.evaluate(bytes, password, DOMAINS, List.of(), NOW))
                .as(file)
                .isInstanceOfSatisfying(
                        PkiException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }

    private static X509Certificate root() throws Exception {
        try (InputStream in = InteropFixturesTest.class.getResourceAsStream("/interop/interop-root.pem")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
