package io.certdesk.server.tls;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.cert.ocsp.CertificateID;

/**
 * Where the edge finds an OCSP response to staple (RFC 6066 status_request) for the chain it
 * presents: the platform's own responder for what the platform CA issued.
 */
public interface OcspStaples {
    /** The OCSP CertID of {@code leaf}, when a responder at hand answers for {@code issuer}. */
    Optional<CertificateID> idOf(X509Certificate leaf, X509Certificate issuer);

    /** A current response saying "good" for it, when one is at hand (never a revoked or unknown one). */
    Optional<byte[]> goodResponse(CertificateID id);

    /** Nothing to staple. */
    OcspStaples NONE = new OcspStaples() {
        @Override
        public Optional<CertificateID> idOf(X509Certificate leaf, X509Certificate issuer) {
            return Optional.empty();
        }

        @Override
        public Optional<byte[]> goodResponse(CertificateID id) {
            return Optional.empty();
        }
    };
}
