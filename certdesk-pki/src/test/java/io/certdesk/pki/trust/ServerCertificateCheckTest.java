package io.certdesk.pki.trust;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.testing.TestCa;
import io.certdesk.pki.trust.ServerCertificateCheck.Failure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCertificateCheckTest {
    private static final Instant NOW = TestCa.NOW;
    private static final TestCa.Issued ROOT = TestCa.certificate("CN=Check Root")
            .validity(NOW.minus(Duration.ofDays(100)), NOW.plus(Duration.ofDays(900)))
            .build();
    private static final TestCa.Issued INTERMEDIATE = TestCa.certificate("CN=Check Intermediate")
            .issuedBy(ROOT)
            .validity(NOW.minus(Duration.ofDays(50)), NOW.plus(Duration.ofDays(500)))
            .build();

    private static TestCa.Issued leaf(String... names) {
        return TestCa.certificate("CN=" + names[0])
                .issuedBy(INTERMEDIATE)
                .endEntity()
                .dns(names)
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
                .build();
    }

    @Test
    void aChainToATrustedRootNamingTheHostIsTrustedWithItsPath() {
        var leaf = leaf("dc01.acme.test");
        var outcome = ServerCertificateCheck.check(
                List.of(leaf.certificate(), INTERMEDIATE.certificate()),
                List.of(ROOT.certificate()),
                "DC01.acme.test",
                NOW);
        assertThat(outcome.trusted()).as(outcome.message()).isTrue();
        assertThat(outcome.path()).containsExactly(leaf.certificate(), INTERMEDIATE.certificate(), ROOT.certificate());
    }

    @Test
    void trustingTheIntermediateAloneIsEnough() {
        var leaf = leaf("dc01.acme.test");
        assertThat(ServerCertificateCheck.check(
                                List.of(leaf.certificate()), List.of(INTERMEDIATE.certificate()), "dc01.acme.test", NOW)
                        .trusted())
                .isTrue();
    }

    @Test
    void anUntrustedIssuerIsUnknownAndTheTopmostPresentedCaIsTheOneToImport() {
        var leaf = leaf("dc01.acme.test");
        var other = TestCa.certificate("CN=Other Root")
                .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(9)))
                .build();
        var outcome = ServerCertificateCheck.check(
                List.of(leaf.certificate(), INTERMEDIATE.certificate(), ROOT.certificate()),
                List.of(other.certificate()),
                "dc01.acme.test",
                NOW);
        assertThat(outcome.failure()).contains(Failure.UNKNOWN_ISSUER);
        assertThat(outcome.topmost()).contains(ROOT.certificate());
        assertThat(outcome.message()).contains("CN=Check Root");
    }

    @Test
    void anExpiredLeafOrIntermediateIsExpiredNotUnknown() {
        var leaf = leaf("dc01.acme.test");
        var later = NOW.plus(Duration.ofDays(120));
        var outcome = ServerCertificateCheck.check(
                List.of(leaf.certificate(), INTERMEDIATE.certificate()),
                List.of(ROOT.certificate()),
                "dc01.acme.test",
                later);
        assertThat(outcome.failure()).contains(Failure.EXPIRED);
        assertThat(outcome.message()).contains("CN=dc01.acme.test").contains("expired on");
    }

    @Test
    void hostNamesFollowRfc6125() {
        var wildcard = leaf("*.acme.test").certificate();
        assertThat(ServerCertificateCheck.names(wildcard, "dc01.acme.test")).isTrue();
        assertThat(ServerCertificateCheck.names(wildcard, "a.dc01.acme.test"))
                .as("one label only")
                .isFalse();
        assertThat(ServerCertificateCheck.names(wildcard, "acme.test")).isFalse();
        var byAddress = TestCa.certificate("CN=10.0.0.5")
                .issuedBy(INTERMEDIATE)
                .endEntity()
                .ip("10.0.0.5")
                .build()
                .certificate();
        assertThat(ServerCertificateCheck.names(byAddress, "10.0.0.5")).isTrue();
        assertThat(ServerCertificateCheck.names(byAddress, "10.0.0.6")).isFalse();
        var commonNameOnly = TestCa.certificate("CN=dc01.acme.test")
                .issuedBy(INTERMEDIATE)
                .endEntity()
                .build()
                .certificate();
        assertThat(ServerCertificateCheck.names(commonNameOnly, "dc01.acme.test"))
                .as("the common name is not used")
                .isFalse();
        var outcome = ServerCertificateCheck.check(
                List.of(leaf("dc02.acme.test").certificate(), INTERMEDIATE.certificate()),
                List.of(ROOT.certificate()),
                "dc01.acme.test",
                NOW);
        assertThat(outcome.failure()).contains(Failure.HOSTNAME_MISMATCH);
        assertThat(outcome.message()).contains("dc02.acme.test");
    }
}
