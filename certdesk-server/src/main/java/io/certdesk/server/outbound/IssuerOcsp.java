package io.certdesk.server.outbound;

import io.certdesk.pki.trust.RevocationStatus;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks a certificate's own CA, through the OCSP responder its authority information access names,
 * whether it is revoked: only destinations the {@link OutboundGuard} allows are reached (the URL
 * is written by whoever issued the certificate), and an answer counts only when the issuer (or a
 * responder it authorized) signed it, about this certificate, and it is current.
 */
public final class IssuerOcsp {
    private final GuardedHttp http;

    public IssuerOcsp(OutboundGuard guard, Duration timeout) {
        this(new GuardedHttp(guard, timeout));
    }

    IssuerOcsp(GuardedHttp http) {
        this.http = http;
    }

    /**
     * What the responder said: a usable status with the response as received (to staple), or
     * {@code UNKNOWN} with why (no responder named, not reachable, not usable).
     */
    public record Answer(RevocationStatus.Status status, Optional<byte[]> response) {}

    /** Whether the certificate names an OCSP responder at all. */
    public static boolean namesResponder(X509Certificate certificate) {
        return !RevocationStatus.ocspUrls(certificate).isEmpty();
    }

    public Answer ask(X509Certificate certificate, X509Certificate issuer, Instant now) {
        List<String> why = new ArrayList<>();
        return firstUsable(certificate, issuer, now, why)
                .orElseGet(() -> new Answer(
                        new RevocationStatus.Status(
                                RevocationStatus.State.UNKNOWN,
                                why.isEmpty() ? "the certificate names no OCSP responder" : String.join("; ", why)),
                        Optional.empty()));
    }

    /**
     * Asks the responders the certificate names, in turn, until one gives a usable answer (good
     * or revoked); adds to {@code why} why each other one did not.
     */
    Optional<Answer> firstUsable(X509Certificate certificate, X509Certificate issuer, Instant now, List<String> why) {
        return firstUsable(certificate, issuer, now, why, Optional.empty());
    }

    /** As {@link #firstUsable(X509Certificate, X509Certificate, Instant, List)}, all within {@code deadline} where one is given. */
    Optional<Answer> firstUsable(
            X509Certificate certificate,
            X509Certificate issuer,
            Instant now,
            List<String> why,
            Optional<Deadline> deadline) {
        for (String url : RevocationStatus.ocspUrls(certificate)) {
            StringBuilder failed = new StringBuilder();
            byte[] request = RevocationStatus.ocspRequest(certificate, issuer);
            Optional<byte[]> response = deadline.isPresent()
                    ? http.fetch(url, "application/ocsp-request", request, failed, deadline.get())
                    : http.fetch(url, "application/ocsp-request", request, failed);
            if (response.isEmpty()) {
                why.add(failed.toString());
                continue;
            }
            RevocationStatus.Status status = RevocationStatus.ocspStatus(response.get(), certificate, issuer, now);
            if (status.state() != RevocationStatus.State.UNKNOWN) {
                return Optional.of(new Answer(status, response));
            }
            why.add(status.detail());
        }
        return Optional.empty();
    }
}
