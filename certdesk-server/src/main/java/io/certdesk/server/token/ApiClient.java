package io.certdesk.server.token;

import java.time.Instant;
import java.util.List;

/** An API client of an account; its secret is never part of this record. */
public record ApiClient(
        String clientId, String accountId, String name, List<String> scopes, Instant createdAt, Instant secretSetAt) {
    public ApiClient {
        scopes = List.copyOf(scopes);
    }
}
