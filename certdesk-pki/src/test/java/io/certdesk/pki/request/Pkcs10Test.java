package io.certdesk.pki.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.keys.KeyChecks;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Pkcs10Test {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aRequestBuiltHereIsReadBackWithItsKeyAndNamesFromPemAndDer() {
        KeyPair keys = KeyPairs.generate(KeyType.EC_P256, RANDOM);
        byte[] der = Pkcs10.build(keys, KeyType.EC_P256, List.of("print.acme.test", "ipp.acme.test"));
        for (byte[] file : List.of(der, Pkcs10.writePem(der).getBytes(StandardCharsets.US_ASCII))) {
            Pkcs10.Request read = Pkcs10.readPkcs10(file);
            assertThat(read.dnsNames()).containsExactly("print.acme.test", "ipp.acme.test");
            assertThat(read.commonName()).contains("print.acme.test");
            assertThat(read.hostNames()).containsExactly("print.acme.test", "ipp.acme.test");
            assertThat(KeyChecks.samePublicKey(read.publicKey(), keys.getPublic()))
                    .isTrue();
        }
    }

    @Test
    void aRequestWhoseSignatureDoesNotVerifyIsRefusedAsNoProofOfPossession() {
        KeyPair keys = KeyPairs.generate(KeyType.RSA_2048, RANDOM);
        byte[] der = Pkcs10.build(keys, KeyType.RSA_2048, List.of("print.acme.test"));
        der[der.length - 10] ^= 0x55; // inside the signature
        assertThatThrownBy(() -> Pkcs10.readPkcs10(der))
                .isInstanceOf(PkiException.class)
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.CSR_SIGNATURE_INVALID);
    }

    @Test
    void bytesThatAreNoRequestAreRefusedAsInvalidCsr() {
        for (byte[] file : List.of(
                new byte[] {0x30, 0x03, 0x02, 0x01, 0x01},
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII),
                "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n"
                        .getBytes(StandardCharsets.US_ASCII),
                new byte[0])) {
            assertThatThrownBy(() -> Pkcs10.readPkcs10(file))
                    .isInstanceOf(PkiException.class)
                    .extracting(e -> ((PkiException) e).error())
                    .isEqualTo(PkiError.INVALID_CSR);
        }
        assertThatThrownBy(() -> Pkcs10.readPkcs10(new byte[Pkcs10.MAX_BYTES + 1]))
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.TOO_LARGE);
    }

    @Test
    void onlyTheAccountsOwnDomainsExactlyAreIssuedForNeverAWildcardOrAnAddress() {
        Set<String> domains = Set.of("print.acme.test", "xn--bcher-kva.acme.test");
        assertThat(RequestedNames.require(
                        List.of("PRINT.acme.test", "bücher.acme.test", "print.acme.test"), List.of(), domains))
                .containsExactly("print.acme.test", "xn--bcher-kva.acme.test");
        for (List<String> refused : List.of(
                List.of("*.acme.test"), List.of("other.acme.test"), List.of("print.acme.test", "evil.example"))) {
            assertThatThrownBy(() -> RequestedNames.require(refused, List.of(), domains))
                    .extracting(e -> ((PkiException) e).error())
                    .isEqualTo(PkiError.DOMAIN_NOT_ALLOWED);
        }
        assertThatThrownBy(() -> RequestedNames.require(List.of("print.acme.test"), List.of("127.0.0.1"), domains))
                .hasMessageContaining("127.0.0.1")
                .hasMessageContaining("never for an IP address");
        assertThatThrownBy(() -> RequestedNames.require(List.of(), List.of(), domains))
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.INVALID_CSR);
        List<String> many = java.util.stream.IntStream.range(0, RequestedNames.MAX_NAMES + 1)
                .mapToObj(i -> "h" + i + ".acme.test")
                .toList();
        assertThatThrownBy(() -> RequestedNames.require(many, List.of(), domains))
                .extracting(e -> ((PkiException) e).error())
                .isEqualTo(PkiError.TOO_MANY_NAMES);
    }
}
