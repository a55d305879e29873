package io.certdesk.server.requests;

import io.certdesk.pki.keys.KeyType;
import java.time.Instant;
import java.util.List;

/**
 * A request for a chain made here: a key sealed on the platform (by {@code keyId}, never in this
 * record) and the PKCS#10 for it, waiting for the certificate another CA signs; gone once that
 * certificate is taken back, deleted, or at {@code expiresAt}.
 */
public record ChainRequest(
        String id,
        String accountId,
        KeyType keyType,
        List<String> dnsNames,
        byte[] csrDer,
        String keyId,
        Instant createdAt,
        Instant expiresAt) {
    public ChainRequest {
        dnsNames = List.copyOf(dnsNames);
    }

    @Override
    public String toString() {
        return "ChainRequest[" + id + ", " + dnsNames + "]";
    }
}
