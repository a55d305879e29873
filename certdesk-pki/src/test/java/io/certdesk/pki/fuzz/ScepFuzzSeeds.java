package io.certdesk.pki.fuzz;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.ScepClient;
import io.certdesk.pki.testing.TestCa;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Writes the fixture RA of {@link ScepFuzzTest} and its seed corpus: a PKCSReq (AES-128,
 * SHA-256), one in triple DES with SHA-1 and no signing time, a RenewalReq, a CertPoll and a
 * GetCert, each encrypted to that RA. Run from the repository's root:
 * {@code java -cp "$(cat cp.txt):certdesk-pki/target/test-classes:certdesk-pki/target/classes" io.certdesk.pki.fuzz.ScepFuzzSeeds}
 * (cp.txt from {@code mvn -pl certdesk-pki dependency:build-classpath -Dmdep.outputFile=cp.txt}).
 */
public final class ScepFuzzSeeds {
    /** When the seeds are signed (and the fuzz test's clock). */
    static final java.time.Instant SEEDS_SIGNED = java.time.Instant.parse("2026-12-04T00:00:00Z");

    private ScepFuzzSeeds() {}

    public static void main(String[] args) throws Exception {
        Path fixtures = Path.of("certdesk-pki/src/test/resources/io/certdesk/pki/fuzz");
        Path seeds = fixtures.resolve("ScepFuzzTestInputs/aScepMessageIsReadOrRefusedAndEveryRefusalCanBeAnswered");
        Files.createDirectories(seeds);
        SecureRandom random = new SecureRandom();
        TestCa.Issued ca =
                TestCa.certificate("CN=Fuzz SCEP CA").keyType(KeyType.RSA_2048).build();
        TestCa.Issued ra = TestCa.certificate("CN=Fuzz SCEP RA")
                .keyType(KeyType.RSA_2048)
                .issuedBy(ca)
                .endEntity()
                .validity(SEEDS_SIGNED.minus(Duration.ofDays(1)), SEEDS_SIGNED.plus(Duration.ofDays(3650)))
                .build();
        Files.write(fixtures.resolve("scep-ra.der"), ra.certificate().getEncoded());
        Files.write(fixtures.resolve("scep-ra.key"), ra.key().getEncoded());

        KeyPair device = KeyPairs.generate(KeyType.RSA_2048, random);
        X509Certificate self = ScepClient.selfSigned(device, "printer.fuzz.test");
        String name = "printer.fuzz.test";
        byte[] csr = ScepClient.csr(device, name, List.of(name), Optional.of("FUZZCHALLENGEPASSWORD234"));
        ScepClient.Options at = ScepClient.Options.standard().signedAt(SEEDS_SIGNED);
        write(
                seeds,
                "pkcsreq-aes128-sha256.der",
                ScepClient.enrollment(
                        19, csr, self, device.getPrivate(), ra.certificate(), ScepClient.transactionId(), at));
        write(
                seeds,
                "pkcsreq-3des-sha1.der",
                ScepClient.enrollment(
                        19,
                        csr,
                        self,
                        device.getPrivate(),
                        ra.certificate(),
                        ScepClient.transactionId(),
                        new ScepClient.Options("SHA1", PKCSObjectIdentifiers.des_EDE3_CBC, Optional.empty())));
        KeyPair next = KeyPairs.generate(KeyType.RSA_2048, random);
        X509Certificate issued = TestCa.certificate("CN=" + name)
                .keyPair(device)
                .issuedBy(ca)
                .endEntity()
                .dns(name)
                .build()
                .certificate();
        write(
                seeds,
                "renewalreq.der",
                ScepClient.enrollment(
                        17,
                        ScepClient.csr(next, name, List.of(name), Optional.empty()),
                        issued,
                        device.getPrivate(),
                        ra.certificate(),
                        ScepClient.transactionId(),
                        at));
        write(
                seeds,
                "certpoll.der",
                ScepClient.poll(
                        new X500Name("CN=Fuzz SCEP CA"),
                        new X500Name("CN=" + name),
                        self,
                        device.getPrivate(),
                        ra.certificate(),
                        "fuzz-transaction"));
        write(
                seeds,
                "getcert.der",
                ScepClient.getCert(
                        new X500Name("CN=Fuzz SCEP CA"),
                        BigInteger.valueOf(4242),
                        self,
                        device.getPrivate(),
                        ra.certificate()));
    }

    private static void write(Path dir, String name, ScepClient.Sent sent) throws Exception {
        Files.write(dir.resolve(name), sent.der());
    }
}
