package io.certdesk.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A tenant with its domains (stored form, sorted). */
public record Account(
        String id, String name, AccountType type, Optional<String> parentId, List<String> domains, Instant createdAt) {
    public Account {
        domains = List.copyOf(domains);
    }

    public Account withDomains(List<String> newDomains) {
        return new Account(id, name, type, parentId, newDomains, createdAt);
    }
}
