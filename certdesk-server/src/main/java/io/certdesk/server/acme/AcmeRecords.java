package io.certdesk.server.acme;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the ACME server keeps: accounts, orders, authorizations, challenges, EAB credentials. */
public final class AcmeRecords {
    private AcmeRecords() {}

    public record AcmeAccount(
            String id,
            String accountId,
            String thumbprint,
            String jwk,
            String status,
            List<String> contact,
            String eabKeyId,
            Instant createdAt) {
        public AcmeAccount {
            contact = List.copyOf(contact);
        }

        public boolean valid() {
            return status.equals("valid");
        }
    }

    public record Order(
            String id,
            String acmeAccountId,
            String accountId,
            String status,
            List<String> identifiers,
            Instant expiresAt,
            Optional<String> error,
            Optional<String> issuerSha256,
            Optional<String> serial,
            Optional<String> replaces,
            Instant createdAt) {
        public Order {
            identifiers = List.copyOf(identifiers);
        }
    }

    public record Authorization(String id, String orderId, String identifier, String status, Instant expiresAt) {}

    public record Challenge(
            String id,
            String authzId,
            String type,
            String token,
            String status,
            Optional<Instant> validatedAt,
            Optional<String> error) {}

    /** An EAB credential as listed: never its MAC key. */
    public record EabKey(
            String keyId,
            String accountId,
            Optional<String> description,
            Instant createdAt,
            Optional<Instant> boundAt,
            Optional<String> acmeAccountId) {}

    /**
     * An account's ACME settings: whether its domains count as validated, and how many orders it
     * may place in an hour (the platform admin's to set).
     */
    public record AcmeSettings(boolean domainsPrevalidated, int ordersPerHour) {
        public static final int DEFAULT_ORDERS_PER_HOUR = 300;
        public static final int MAX_ORDERS_PER_HOUR = 100_000;
        public static final AcmeSettings DEFAULT = new AcmeSettings(false, DEFAULT_ORDERS_PER_HOUR);
    }
}
