package io.certdesk.server.users;

import java.time.Instant;

/** A sign-in session token, returned once at login; only its SHA-256 is stored. */
public record Session(String token, Instant expiresAt) {
    @Override
    public String toString() {
        return "Session[expiresAt=" + expiresAt + "]";
    }
}
