package io.certdesk.server.expiry;

import io.certdesk.pki.codec.CertificateCodec;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Something that ends within the window asked for: a trusted CA, a chain's leaf or another of its
 * certificates (an intermediate that ends first), or one of the platform's own certificates;
 * with what depends on it (the domains a chain serves, its signing role) and whether it renews
 * by itself.
 */
public record ExpiringItem(
        Kind kind,
        Optional<String> accountId,
        String id,
        int position,
        String subject,
        String sha256,
        Instant notAfter,
        Optional<String> origin,
        List<String> purposes,
        List<String> servesDomains,
        Optional<String> signingRole,
        Optional<Instant> renewAt) {
    public ExpiringItem {
        purposes = List.copyOf(purposes);
        servesDomains = List.copyOf(servesDomains);
    }

    /** One of the platform's own certificates (no account), known by its fingerprint. */
    public static ExpiringItem platformOwn(Kind kind, X509Certificate certificate, List<String> serves) {
        String sha256 = CertificateCodec.sha256Hex(certificate);
        return new ExpiringItem(
                kind,
                Optional.empty(),
                sha256,
                0,
                certificate.getSubjectX500Principal().getName(),
                sha256,
                certificate.getNotAfter().toInstant(),
                Optional.empty(),
                List.of(),
                serves,
                Optional.empty(),
                Optional.empty());
    }

    /** The same item, with what depends on it. */
    public ExpiringItem withDependents(List<String> serves, Optional<String> role) {
        return new ExpiringItem(
                kind, accountId, id, position, subject, sha256, notAfter, origin, purposes, serves, role, renewAt);
    }

    /** Whole days from {@code now} to its end (negative once ended). */
    public long daysLeft(Instant now) {
        return Math.floorDiv(java.time.Duration.between(now, notAfter).toSeconds(), 86_400);
    }

    public enum Kind {
        /** A CA certificate an account trusts for its outbound connections. */
        TRUSTED_CA,
        /** A private chain's leaf: the chain ends with it. */
        CHAIN,
        /** A certificate of a private chain above its leaf (at {@code position}) that ends first. */
        CHAIN_CERTIFICATE,
        /**
         * A certificate the platform CA signed for a device's request (its key is on the device),
         * known by its serial, until a newer one for the same names replaces it.
         */
        SIGNED_REQUEST,
        /** A certificate an ACME client ordered, known by its serial, until a newer one for the same names replaces it. */
        ACME,
        /** A certificate a device enrolled for by SCEP, known by its serial, until a newer one for the same names replaces it. */
        SCEP,
        /** A certificate a device enrolled for by EST, known by its serial, until a newer one for the same names replaces it. */
        EST,
        /** The platform CA's root or one of its issuing CAs. */
        PLATFORM_CA,
        /** A node's own server certificate (renewed by the node at start-up within 30 days of its end). */
        NODE_SERVER
    }
}
