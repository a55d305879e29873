package io.certdesk.pki.revocation;

import io.certdesk.pki.issue.RevocationReason;
import java.time.Instant;

/** What the responder says of one certificate (RFC 6960 §2.2). */
public sealed interface CertStatus {
    /** Issued by the CA and not revoked. */
    record Good() implements CertStatus {}

    /** Revoked at that time, for that reason. */
    record Revoked(Instant at, RevocationReason reason) implements CertStatus {}

    /** A serial the CA never issued. */
    record Unknown() implements CertStatus {}

    CertStatus GOOD = new Good();
    CertStatus UNKNOWN = new Unknown();
}
