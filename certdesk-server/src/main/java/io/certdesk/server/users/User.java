package io.certdesk.server.users;

import io.certdesk.server.access.Principal;
import io.certdesk.server.access.Role;
import java.time.Instant;
import java.util.Optional;

/** A person who signs in. The password hash never leaves the store layer in a response. */
public record User(String id, String username, Role role, Optional<String> accountId, Instant createdAt) {
    /** This user as the caller of a request. */
    public Principal principal() {
        return new Principal(id, username, role, accountId);
    }
}
