package io.certdesk.server.chains;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a generated chain's renewal stands: when it renews next ({@code renewAt}; a retry after
 * {@code failures}), what failed last, the chain it renewed, and, once renewed, the chain that
 * superseded it and when it is revoked as superseded ({@code retireAt}).
 */
public record ChainRenewal(
        String chainId,
        Optional<Instant> renewAt,
        int failures,
        Optional<String> lastErrorCode,
        Optional<String> lastError,
        Optional<Instant> lastFailedAt,
        Optional<String> renewedFrom,
        Optional<String> renewedBy,
        Optional<Instant> renewedAt,
        Optional<Instant> retireAt) {
    public boolean superseded() {
        return renewedAt.isPresent();
    }
}
