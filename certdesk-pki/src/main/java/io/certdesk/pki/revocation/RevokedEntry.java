package io.certdesk.pki.revocation;

import io.certdesk.pki.issue.RevocationReason;
import java.math.BigInteger;
import java.time.Instant;

/** One revoked certificate of a CA: its serial, when and why. */
public record RevokedEntry(BigInteger serial, Instant revokedAt, RevocationReason reason) {}
