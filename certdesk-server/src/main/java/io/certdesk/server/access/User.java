package io.certdesk.server.access;

import java.time.Instant;
import java.util.Optional;

/** A person who signs in. The password hash never leaves the store layer in a response. */
public record User(String id, String username, Role role, Optional<String> accountId, Instant createdAt) {
}
