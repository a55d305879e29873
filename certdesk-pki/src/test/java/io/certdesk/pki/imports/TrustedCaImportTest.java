package io.certdesk.pki.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrustedCaImportTest {
    private final TestCa.Issued root =
            TestCa.certificate("O=Acme,CN=Import Root").build();

    @Test
    void aCaIsImportedWithWhatWasReadFromIt() {
        var result = TrustedCaImport.evaluate(Pem.bytes(Pem.certificate(root.certificate())), Set.of(), TestCa.NOW);
        assertThat(result.imported()).hasSize(1);
        var info = result.imported().get(0).info();
        assertThat(info.subject()).isEqualTo("CN=Import Root,O=Acme");
        assertThat(info.isCa()).isTrue();
        assertThat(info.selfSigned()).isTrue();
        assertThat(info.keyAlgorithm()).isEqualTo("EC");
        assertThat(info.keySize()).isEqualTo(256);
        assertThat(info.signatureAlgorithm()).isEqualTo("SHA256withECDSA");
        assertThat(info.sha256()).isEqualTo(CertificateCodec.sha256Hex(root.certificate()));
        assertThat(result.skipped()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aCertificateTheAccountHasIsSkippedNotRefused() {
        String sha = CertificateCodec.sha256Hex(root.certificate());
        var result = TrustedCaImport.evaluate(
                Pem.bytes(Pem.certificate(root.certificate()).repeat(2)), Set.of(sha), TestCa.NOW);
        assertThat(result.imported()).isEmpty();
        assertThat(result.skipped()).containsExactly(new TrustedCaImport.Skipped(sha, SkipReason.ALREADY_IMPORTED));
    }

    @Test
    void aDuplicateInsideOneFileIsImportedOnce() {
        var result = TrustedCaImport.evaluate(
                Pem.bytes(Pem.certificate(root.certificate()).repeat(3)), Set.of(), TestCa.NOW);
        assertThat(result.imported()).hasSize(1);
    }

    @Test
    void anExpiredCertificateRefusesTheWholeFile() {
        var expired = TestCa.certificate("CN=Expired Root")
                .validity(TestCa.NOW.minus(Duration.ofDays(400)), TestCa.NOW.minus(Duration.ofDays(1)))
                .build();
        String pem = Pem.certificate(root.certificate()) + Pem.certificate(expired.certificate());
        assertThatThrownBy(() -> TrustedCaImport.evaluate(Pem.bytes(pem), Set.of(), TestCa.NOW))
                .isInstanceOfSatisfying(PkiException.class, e -> {
                    assertThat(e.error()).isEqualTo(PkiError.EXPIRED);
                    assertThat(e.getMessage()).contains("CN=Expired Root").contains("2030-05-31");
                });
    }

    @Test
    void aServerCertificateIsAcceptedWithTheNotCaWarning() {
        var server = TestCa.certificate("CN=ldap.acme.test")
                .issuedBy(root)
                .endEntity()
                .build();
        var result = TrustedCaImport.evaluate(Pem.bytes(Pem.certificate(server.certificate())), Set.of(), TestCa.NOW);
        assertThat(result.imported()).hasSize(1);
        assertThat(result.imported().get(0).info().isCa()).isFalse();
        assertThat(result.warnings()).extracting(ImportWarning::code).containsExactly(WarningCode.NOT_CA);
    }

    @Test
    void aCertificateNearItsEndOrNotYetValidIsAcceptedWithAWarning() {
        var soon = TestCa.certificate("CN=Soon")
                .validity(TestCa.NOW.minus(Duration.ofDays(300)), TestCa.NOW.plus(Duration.ofDays(10)))
                .build();
        var later = TestCa.certificate("CN=Later")
                .validity(TestCa.NOW.plus(Duration.ofDays(1)), TestCa.NOW.plus(Duration.ofDays(900)))
                .build();
        var result = TrustedCaImport.evaluate(
                Pem.bytes(Pem.certificate(soon.certificate()) + Pem.certificate(later.certificate())),
                Set.of(),
                TestCa.NOW);
        assertThat(result.warnings())
                .extracting(ImportWarning::code)
                .containsExactly(WarningCode.EXPIRES_SOON, WarningCode.NOT_YET_VALID);
    }

    @Test
    void aVersionOneSelfSignedRootCountsAsACa() {
        var v1 = TestCa.certificate("CN=V1 Root").version1().build();
        var result = TrustedCaImport.evaluate(Pem.bytes(Pem.certificate(v1.certificate())), Set.of(), TestCa.NOW);
        assertThat(result.imported().get(0).info().isCa()).isTrue();
        assertThat(result.warnings()).isEmpty();
    }
}
