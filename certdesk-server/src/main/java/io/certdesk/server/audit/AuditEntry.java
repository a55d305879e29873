package io.certdesk.server.audit;

import java.time.Instant;
import java.util.Optional;

/** Who did what to which account, and when. {@code detail} never holds a secret. */
public record AuditEntry(
        long id,
        Instant occurredAt,
        String actor,
        Optional<String> accountId,
        AuditAction action,
        String detail,
        Optional<String> requestId) {}
