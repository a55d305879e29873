package io.certdesk.server.chains;

import io.certdesk.pki.chain.ChainPurpose;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A private key (sealed, referenced by {@code keyId}) and its chain, leaf first, as stored.
 * The key itself never leaves the key vault through this record.
 */
public record PrivateChain(
        String id,
        String accountId,
        ChainOrigin origin,
        Set<ChainPurpose> purposes,
        String subject,
        List<String> dnsNames,
        Instant notBefore,
        Instant notAfter,
        String keyAlgorithm,
        int keySize,
        String sha256,
        String keyId,
        Instant createdAt) {
    public PrivateChain {
        purposes = Set.copyOf(purposes);
        dnsNames = List.copyOf(dnsNames);
    }
}
