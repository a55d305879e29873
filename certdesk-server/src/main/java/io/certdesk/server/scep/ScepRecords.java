package io.certdesk.server.scep;

import io.certdesk.pki.issue.DeviceProfile;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the server keeps of an account's SCEP enrollment. */
public final class ScepRecords {
    private ScepRecords() {}

    /** What a request naming a host outside the account's domains gets. */
    public enum ForeignNames {
        /** Refused at once (FAILURE, badRequest): nothing is issued or kept. */
        REFUSE,
        /** Held (PENDING) for an account admin to approve or reject; the device polls meanwhile. */
        HOLD
    }

    /**
     * An account's SCEP settings: whether its devices may enroll, what their certificates are for,
     * for how long, and what becomes of a request naming a host that is not the account's.
     */
    public record ScepSettings(boolean enabled, DeviceProfile profile, int validityDays, ForeignNames foreignNames) {
        public static final ScepSettings DEFAULT =
                new ScepSettings(false, DeviceProfile.TLS_SERVER, 397, ForeignNames.REFUSE);
    }

    public enum PasswordKind {
        /** The account's one standing password, typed into every device; until it is replaced or deleted. */
        STATIC,
        /** Good for one enrollment, until it expires (as NDES gives them). */
        ONE_TIME
    }

    /** A challenge password as listed: never the password itself, which exists only in the answer that made it. */
    public record ScepPassword(
            String id,
            String accountId,
            PasswordKind kind,
            Optional<String> label,
            String createdBy,
            Instant createdAt,
            Optional<Instant> expiresAt,
            Optional<Instant> usedAt) {}

    public enum RequestStatus {
        PENDING,
        ISSUED,
        REJECTED
    }

    public enum RequestKind {
        /** A first enrollment, with a challenge password. */
        ENROLLMENT,
        /** A renewal, signed by the certificate being renewed. */
        RENEWAL
    }

    /** A device's request, by its SCEP transaction ID: what it asked for and what became of it. */
    public record ScepTransaction(
            String id,
            String accountId,
            String transactionId,
            RequestKind kind,
            RequestStatus status,
            String subject,
            List<String> dnsNames,
            byte[] csrDer,
            String signerSha256,
            Optional<String> issuerSha256,
            Optional<String> serial,
            Optional<String> reason,
            Instant createdAt,
            Optional<Instant> decidedAt,
            Optional<String> decidedBy) {
        public ScepTransaction {
            dnsNames = List.copyOf(dnsNames);
        }

        @Override
        public String toString() {
            return "ScepTransaction[" + id + ", " + transactionId + ", " + status + "]";
        }
    }
}
