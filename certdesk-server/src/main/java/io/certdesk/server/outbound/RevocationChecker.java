package io.certdesk.server.outbound;

import io.certdesk.pki.trust.RevocationStatus;
import io.certdesk.pki.trust.RevocationStatus.State;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks, for each certificate of a validated path but its trust anchor, the issuer's OCSP
 * responder and, when it gives no usable answer, the CRL (through {@link GuardedHttp}).
 */
final class RevocationChecker {
    private final GuardedHttp http;
    private final IssuerOcsp responders;

    RevocationChecker(GuardedHttp http) {
        this.http = http;
        this.responders = new IssuerOcsp(http);
    }

    /**
     * @param failure {@code REVOKED}, or {@code REVOCATION_UNKNOWN} when some certificate got no
     *                answer (the caller decides what that means under its mode); empty: all good
     */
    record Outcome(Optional<CheckFailure> failure, String message) {}

    /** Asks about every certificate of the path but its root, all within {@code deadline}. */
    Outcome check(List<X509Certificate> path, Instant now, Deadline deadline) {
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            X509Certificate certificate = path.get(i);
            X509Certificate issuer = path.get(i + 1);
            RevocationStatus.Status status = status(certificate, issuer, now, deadline);
            String subject = certificate.getSubjectX500Principal().getName();
            if (status.state() == State.REVOKED) {
                return new Outcome(
                        Optional.of(CheckFailure.REVOKED),
                        "The certificate " + subject + " is " + status.detail() + ".");
            }
            if (status.state() == State.UNKNOWN) {
                unknown.add(subject + ": " + status.detail());
            }
        }
        if (!unknown.isEmpty()) {
            return new Outcome(
                    Optional.of(CheckFailure.REVOCATION_UNKNOWN),
                    "No revocation answer for " + String.join("; ", unknown) + ".");
        }
        return new Outcome(Optional.empty(), "No certificate on the path is revoked.");
    }

    private RevocationStatus.Status status(
            X509Certificate certificate, X509Certificate issuer, Instant now, Deadline deadline) {
        List<String> why = new ArrayList<>();
        Optional<IssuerOcsp.Answer> ocsp = responders.firstUsable(certificate, issuer, now, why, Optional.of(deadline));
        if (ocsp.isPresent()) {
            return ocsp.get().status();
        }
        for (String url : RevocationStatus.crlUrls(certificate)) {
            StringBuilder failed = new StringBuilder();
            Optional<byte[]> answer = http.fetch(url, null, null, failed, deadline);
            if (answer.isPresent()) {
                RevocationStatus.Status status = RevocationStatus.crlStatus(answer.get(), certificate, issuer, now);
                if (status.state() != State.UNKNOWN) {
                    return status;
                }
                why.add(status.detail());
            } else {
                why.add(failed.toString());
            }
        }
        if (why.isEmpty()) {
            why.add("it names no OCSP responder and no CRL");
        }
        return new RevocationStatus.Status(State.UNKNOWN, String.join(", ", why));
    }
}
