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

    @FuzzTest(maxDuration = "60s")
    void anOcspRequestIsReadOrRefusedAsMalformed(byte[] der) {
        try {
            io.certdesk.pki.revocation.OcspQuery query = io.certdesk.pki.revocation.OcspQuery.parse(der);
            if (query.certificates().isEmpty()
                    || query.certificates().size() > io.certdesk.pki.revocation.OcspQuery.MAX_CERTIFICATES) {
                throw new AssertionError(
                        "a query read with " + query.certificates().size() + " certificates");
            }
            query.certificates().forEach(id -> id.getSerialNumber());
        } catch (io.certdesk.pki.revocation.OcspRefusal expected) {
            if (expected.status() != io.certdesk.pki.revocation.OcspRefusal.Status.MALFORMED_REQUEST) {
                throw new AssertionError("a request refused as " + expected.status(), expected);
            }
        }
    }

    private static final java.security.PublicKey REQUEST_KEY = io.certdesk.pki.keys.KeyPairs.generate(
                    io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom())
            .getPublic();

    private static final java.security.KeyPair[] KEYS = {
        io.certdesk.pki.keys.KeyPairs.generate(io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom()),
        io.certdesk.pki.keys.KeyPairs.generate(io.certdesk.pki.keys.KeyType.EC_P384, new java.security.SecureRandom()),
        io.certdesk.pki.keys.KeyPairs.generate(io.certdesk.pki.keys.KeyType.RSA_2048, new java.security.SecureRandom()),
    };
    private static final String[] NAMES = {
        "print.interop.test",
        "PRINT.interop.test",
        "*.interop.test",
        "other.test",
        "interop.test",
        "a.print.interop.test",
        ""
    };

    /**
     * Structure-aware: a well-formed PKCS#12 built from the fuzzer's choices (keys, names, validity,
     * chain length and order, which key goes with which certificate, legacy or modern encryption,
     * a separate key password), so the MAC always holds and every input reaches the chain, key and
     * name rules behind it. A well-formed file is accepted or refused by a rule: {@code invalid_file}
     * (a file that cannot be read, or a rule that threw) is a finding here.
     */
    @FuzzTest(maxDuration = "60s")
    void aWellFormedPkcs12BuiltFromTheFuzzersChoicesIsAcceptedOrRefusedByARule(
            com.code_intelligence.jazzer.api.FuzzedDataProvider data) {
        java.time.Instant now = java.time.Instant.parse("2027-01-01T00:00:00Z");
        byte[] file;
        try {
            int length = data.consumeInt(1, 3);
            java.util.List<io.certdesk.pki.testing.TestCa.Issued> chain = new java.util.ArrayList<>();
            io.certdesk.pki.testing.TestCa.Issued issuer = null;
            for (int i = length - 1; i >= 0; i--) { // from the root down to the leaf
                java.security.KeyPair keys = KEYS[data.consumeInt(0, KEYS.length - 1)];
                var builder = io.certdesk.pki.testing.TestCa.certificate("CN=" + data.pickValue(NAMES) + " " + i)
                        .keyPair(keys)
                        .validity(
                                now.minus(java.time.Duration.ofDays(data.consumeInt(-30, 800))),
                                now.plus(java.time.Duration.ofDays(data.consumeInt(-30, 4000))));
                if (issuer != null) {
                    builder.issuedBy(issuer);
                }
                if (i == 0 && data.consumeBoolean()) {
                    builder.endEntity();
                }
                int names = data.consumeInt(0, 3);
                for (int n = 0; n < names; n++) {
                    builder.dns(data.consumeBoolean() ? data.pickValue(NAMES) : data.consumeAsciiString(30));
                }
                java.security.PublicKey signer =
                        issuer == null ? keys.getPublic() : issuer.certificate().getPublicKey();
                if (signer instanceof java.security.interfaces.RSAPublicKey && data.consumeBoolean()) {
                    builder.signatureAlgorithm(
                            data.pickValue(new String[] {"SHA1withRSA", "SHA256withRSA", "SHA512withRSA"}));
                }
                issuer = builder.build();
                chain.add(0, issuer);
            }
            java.util.List<java.security.cert.X509Certificate> certificates = new java.util.ArrayList<>();
            chain.forEach(c -> certificates.add(c.certificate()));
            if (data.consumeBoolean()) {
                java.util.Collections.reverse(certificates); // the chain in another order
            }
            if (certificates.size() > 1 && data.consumeBoolean()) {
                certificates.remove(data.consumeInt(1, certificates.size() - 1)); // a gap in the chain
            }
            var custom = new io.certdesk.pki.testing.Pkcs12Files.Custom(
                    chain.get(data.consumeBoolean() ? 0 : chain.size() - 1).key(), certificates);
            switch (data.consumeInt(0, 3)) {
                case 1 -> custom.legacy();
                case 2 -> custom.unencryptedKey();
                case 3 -> custom.keyPassword("another-pass".toCharArray());
                default -> {}
            }
            file = custom.build(PASSWORD);
        } catch (RuntimeException builderCannot) {
            return; // a choice the test builder cannot make into a file (a name that is no IA5String)
        }
        try {
            PrivateChainImport.evaluate(file, PASSWORD, Set.of("print.interop.test"), List.of(), now);
        } catch (PkiException refused) {
            if (refused.error() == io.certdesk.pki.PkiError.INVALID_FILE) {
                throw new AssertionError("a well-formed file refused as unreadable: " + refused.getMessage(), refused);
            }
        }
    }
}
