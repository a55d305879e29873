package io.certdesk.server.access;

import java.util.Optional;

/** Who is calling: a signed-in user. */
public record Principal(String userId, String username, Role role, Optional<String> accountId) {
    public static Principal of(User user) {
        return new Principal(user.id(), user.username(), user.role(), user.accountId());
    }

    public boolean isPlatformAdmin() {
        return role == Role.PLATFORM_ADMIN;
    }
}
