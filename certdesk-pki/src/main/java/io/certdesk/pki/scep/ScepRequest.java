package io.certdesk.pki.scep;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/** A SCEP request as read: its signature checked, its envelope opened, its content parsed by its type. */
public record ScepRequest(ScepMessageType type, ScepPeer peer, Optional<Instant> signingTime, Body body) {
    public ScepRequest {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(body, "body");
    }

    /** What the envelope held. */
    public sealed interface Body permits Enrollment, Poll, CertificateQuery {}

    /**
     * A PKCS#10 (PKCSReq, RenewalReq), as DER, and its challengePassword attribute when it has
     * one; the PKCS#10's own signature is the caller's to check.
     */
    public record Enrollment(byte[] csr, Optional<String> challengePassword) implements Body {
        public Enrollment {
            csr = csr.clone();
        }

        @Override
        public byte[] csr() {
            return csr.clone();
        }

        @Override
        public String toString() {
            return "Enrollment[" + csr.length + " bytes, " + (challengePassword.isPresent() ? "a" : "no")
                    + " challenge password]";
        }
    }

    /** CertPoll: the issuer and the subject of the request asked about (IssuerAndSubject). */
    public record Poll(X500Principal issuer, X500Principal subject) implements Body {}

    /** GetCert and GetCRL: a certificate named by its issuer and serial (IssuerAndSerialNumber). */
    public record CertificateQuery(X500Principal issuer, BigInteger serial) implements Body {}
}
