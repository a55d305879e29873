package io.certdesk.server.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A chain the TLS edge may present: its certificates (leaf first), its opened key, the names its
 * leaf covers, and what selection needs. Held in memory only; never written anywhere.
 *
 * @param keyType the JSSE key type the key signs handshakes as: {@code EC} or {@code RSA}
 */
record ServedChain(
        String id,
        String accountId,
        List<String> dnsNames,
        String keyType,
        Instant notBefore,
        Instant notAfter,
        Instant createdAt,
        X509Certificate[] certificates,
        PrivateKey key) {

    ServedChain {
        dnsNames = List.copyOf(dnsNames);
        certificates = certificates.clone();
    }

    boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    @Override
    public String toString() {
        return "ServedChain[" + id + ", " + keyType + ", " + dnsNames + "]";
    }
}
