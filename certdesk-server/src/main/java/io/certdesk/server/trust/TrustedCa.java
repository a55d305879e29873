package io.certdesk.server.trust;

import io.certdesk.pki.certs.CertificateInfo;
import java.time.Instant;

/**
 * A trusted CA certificate of an account.
 *
 * @param sharedWithCustomers a vendor's certificate its customers trust too
 */
public record TrustedCa(
        String id, String accountId, CertificateInfo info, Instant createdAt, boolean sharedWithCustomers) {}
