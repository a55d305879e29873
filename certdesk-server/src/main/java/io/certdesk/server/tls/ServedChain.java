package io.certdesk.server.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * A chain the TLS edge may present: its certificates (leaf first), its key (opened once), the names its
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
        ServedKey key,
        Stapling stapling) {

    ServedChain {
        dnsNames = List.copyOf(dnsNames);
        certificates = certificates.clone();
    }

    /** The OCSP CertID of the leaf, worked out on the first handshake that asks (parsing the leaf once). */
    static final class Stapling {
        private volatile Optional<CertificateID> id;

        Optional<CertificateID> id(ServedChain chain, OcspStaples staples) {
            Optional<CertificateID> known = id;
            if (known == null) {
                X509Certificate[] certificates = chain.certificates;
                known = certificates.length < 2 ? Optional.empty() : staples.idOf(certificates[0], certificates[1]);
                id = known;
            }
            return known;
        }
    }

    boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    @Override
    public String toString() {
        return "ServedChain[" + id + ", " + keyType + ", " + dnsNames + "]";
    }
}
