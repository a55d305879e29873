package io.certdesk.server.chains;

import java.time.Instant;

/**
 * A chain that is revoked, by whom, when and why (the reason as RFC 5280 names it): by the
 * platform CA (a generated chain), or by its own CA, as its OCSP responder told the edge (an
 * imported one).
 */
public record ChainRevocation(Instant revokedAt, String reason, RevokedBy revokedBy) {
    public enum RevokedBy {
        /** The platform CA revoked what it issued. */
        PLATFORM,
        /** The chain's own CA says it revoked it. */
        ISSUER
    }
}
