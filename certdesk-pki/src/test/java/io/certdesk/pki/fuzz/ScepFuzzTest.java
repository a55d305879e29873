package io.certdesk.pki.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.scep.ScepMessages;
import io.certdesk.pki.scep.ScepRa;
import io.certdesk.pki.scep.ScepRefusal;
import io.certdesk.pki.scep.ScepReplies;
import io.certdesk.pki.scep.ScepRequest;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The SCEP message reader (PKCS#7 signed data around enveloped data around a PKCS#10 or a query):
 * every input is read, refused with a {@link PkiException}, or refused as a {@link ScepRefusal}
 * that the server answers with a signed FAILURE (built here too, for whatever the input made of
 * the transaction ID, the nonce and the signer). Seeds: real requests encrypted to the fixture RA
 * ({@code scep-ra.der}, {@code scep-ra.key}), written by {@link ScepFuzzSeeds}.
 */
class ScepFuzzTest {
    static final ScepRa RA = loadRa();
    /** The reader's clock is when the seeds were signed, so they pass the time check. */
    private static final Clock CLOCK = Clock.fixed(ScepFuzzSeeds.SEEDS_SIGNED, ZoneOffset.UTC);

    private static final ScepReplies REPLIES = new ScepReplies(RA, new SecureRandom(), CLOCK);

    @FuzzTest(maxDuration = "60s")
    void aScepMessageIsReadOrRefusedAndEveryRefusalCanBeAnswered(byte[] message) {
        try {
            ScepRequest request = ScepMessages.read(message, List.of(RA), CLOCK);
            if (request.body() instanceof ScepRequest.Enrollment enrollment) {
                enrollment.csr();
            }
            REPLIES.pending(request.peer());
        } catch (PkiException expected) {
            // a typed refusal: answered with a plain 400
        } catch (ScepRefusal refused) {
            REPLIES.failure(refused.peer(), refused.failure(), refused.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void theSeedsAreRequestsTheFixtureRaOpens() throws Exception {
        var dir = java.nio.file.Path.of(ScepFuzzTest.class
                .getResource("ScepFuzzTestInputs/aScepMessageIsReadOrRefusedAndEveryRefusalCanBeAnswered")
                .toURI());
        try (var files = java.nio.file.Files.list(dir)) {
            for (var file : files.toList()) {
                org.assertj.core.api.Assertions.assertThat(
                                ScepMessages.read(java.nio.file.Files.readAllBytes(file), List.of(RA), CLOCK)
                                        .type())
                        .as(file.getFileName().toString())
                        .isNotNull();
            }
        }
    }

    private static ScepRa loadRa() {
        try (InputStream cert = ScepFuzzTest.class.getResourceAsStream("scep-ra.der");
                InputStream key = ScepFuzzTest.class.getResourceAsStream("scep-ra.key")) {
            return new ScepRa(
                    io.certdesk.pki.codec.CertificateCodec.decodeDer(cert.readAllBytes()),
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(key.readAllBytes())));
        } catch (IOException | java.security.GeneralSecurityException | NullPointerException e) {
            throw new IllegalStateException("the fixture RA (run ScepFuzzSeeds)", e);
        }
    }
}
