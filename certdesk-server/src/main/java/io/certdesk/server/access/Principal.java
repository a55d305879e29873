package io.certdesk.server.access;

import java.util.Optional;

/** Who is calling: a signed-in user, or an API client with an access token for one account. */
public record Principal(String userId, String username, Role role, Optional<String> accountId) {
    public static Principal apiClient(String clientId, String accountId) {
        return new Principal(clientId, "api-client " + clientId, Role.API_CLIENT, Optional.of(accountId));
    }

    public boolean isPlatformAdmin() {
        return role == Role.PLATFORM_ADMIN;
    }
}
