package io.certdesk.server.scep;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.scep.ScepRecords.ScepPassword;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** What SCEP and EST both ask of a certificate a device shows, and of a challenge password. */
final class DeviceCertificates {
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;

    DeviceCertificates(PlatformCaService platformCa, IssuedCertificateStore issued) {
        this.platformCa = platformCa;
        this.issued = issued;
    }

    /**
     * The record of {@code certificate} when the platform CA signed it for a key held elsewhere (a
     * device's): its signature checked against the CA it names, then found by issuer and serial.
     */
    Optional<IssuedCertificate> issuedDevice(Handle h, X509Certificate certificate) {
        List<X509Certificate> cas = new ArrayList<>(platformCa.caCertificates());
        for (X509Certificate ca : cas) {
            if (!ca.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                continue;
            }
            try {
                certificate.verify(ca.getPublicKey());
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                continue;
            }
            return issued.find(
                            h,
                            CertificateCodec.sha256Hex(ca),
                            certificate.getSerialNumber().toString(16))
                    .filter(c -> IssuedFor.HELD_ELSEWHERE.contains(c.issuedFor()));
        }
        return Optional.empty();
    }

    /** Whether a password still authorizes a new enrollment: not spent, not expired. */
    static boolean usable(ScepPassword password, Instant now) {
        return password.usedAt().isEmpty()
                && (password.expiresAt().isEmpty() || password.expiresAt().get().isAfter(now));
    }
}
