package io.certdesk.server.ca;

import io.certdesk.pki.issue.RevocationReason;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One certificate the platform CA signed, as the CA answers for it: by its issuer (the SHA-256
 * of the signing CA's certificate) and serial (lower-case hex), kept after its chain or account
 * is gone.
 */
public record IssuedCertificate(
        String issuerSha256,
        String serial,
        String subject,
        List<String> dnsNames,
        Instant notBefore,
        Instant notAfter,
        IssuedFor issuedFor,
        Optional<String> accountId,
        Optional<String> chainId,
        String sha256,
        Instant issuedAt,
        Optional<Revoked> revocation) {
    public IssuedCertificate {
        dnsNames = List.copyOf(dnsNames);
    }

    /** When and why it was revoked. */
    public record Revoked(Instant at, RevocationReason reason) {}

    public boolean revoked() {
        return revocation.isPresent();
    }
}
