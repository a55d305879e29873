package io.certdesk.pki.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.pki.codec.Pkcs12Reader;
import io.certdesk.pki.imports.PrivateChainImport;
import io.certdesk.pki.imports.SignedChainImport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Every reader either reads or refuses with a {@link PkiException}: no other exception escapes,
 * and nothing hangs. The seed corpus (under src/test/resources, one folder per test) runs in the
 * normal test command; {@code JAZZER_FUZZ=1} fuzzes for real (docs/fuzzing.md).
 */
class ReadersFuzzTest {
    private static final char[] PASSWORD = "interop-pass".toCharArray();

    @FuzzTest(maxDuration = "60s")
    void derAndPkcs7BytesAreReadOrRefusedWithATypedError(byte[] file) {
        try {
            CertificateFiles.readCertificates(file);
        } catch (PkiException expected) {
            // a typed refusal is the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "60s")
    void pemTextIsReadOrRefusedWithATypedError(String text) {
        try {
            CertificateFiles.readCertificates(
                    ("-----BEGIN CERTIFICATE-----\n" + text).getBytes(StandardCharsets.ISO_8859_1));
            CertificateFiles.readCertificates(text.getBytes(StandardCharsets.UTF_8));
        } catch (PkiException expected) {
            // a typed refusal is the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "60s")
    void pkcs12BytesAreReadOrRefusedWithATypedError(byte[] file) {
        try {
            Pkcs12Reader.read(file, PASSWORD);
        } catch (PkiException expected) {
            // a typed refusal is the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "60s")
    void aPkcs12ImportWithAllItsRulesRefusesWithATypedError(byte[] file) {
        try {
            PrivateChainImport.evaluate(
                    file,
                    PASSWORD,
                    Set.of("print.interop.test"),
                    List.of(),
                    java.time.Instant.parse("2027-01-01T00:00:00Z"));
        } catch (PkiException expected) {
            // a typed refusal is the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "60s")
    void aClientsFirstBytesAreReadOrRefusedWithoutThrowing(byte[] bytes) {
        var read = io.certdesk.pki.tls.ClientHello.read(java.nio.ByteBuffer.wrap(bytes));
        read.hello().ifPresent(io.certdesk.pki.tls.ClientHello::verifiableKeyKinds);
    }

    @FuzzTest(maxDuration = "60s")
    void certificateRequestBytesAreReadOrRefusedWithATypedError(byte[] file) {
        try {
            io.certdesk.pki.request.Pkcs10.Request request = io.certdesk.pki.request.Pkcs10.readPkcs10(file);
            io.certdesk.pki.request.RequestedNames.require(
                    request.hostNames(), request.ipAddresses(), Set.of("print.interop.test"));
        } catch (PkiException expected) {
            // a typed refusal is the only acceptable failure
        }
    }

    @FuzzTest(maxDuration = "60s")
    void aCertificateTakenBackForARequestIsReadOrRefusedWithATypedError(byte[] file) {
        try {
            SignedChainImport.evaluate(
                    file,
                    REQUEST_KEY,
                    Set.of("print.interop.test"),
                    List.of(),
                    java.time.Instant.parse("2027-01-01T00:00:00Z"));
        } catch (PkiException expected) {
            // a typed refusal is the only acceptable failure
        }
    }

    private static final java.security.PublicKey REQUEST_KEY = io.certdesk.pki.keys.KeyPairs.generate(
                    io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom())
            .getPublic();
}
