package io.certdesk.server.http;

import io.certdesk.server.access.ApiScope;
import java.util.Optional;

/**
 * Who may call a route, declared beside it in the route table and checked before its handler
 * runs ({@link RouteTable}); the handler reads the caller with {@link Requests#caller}.
 */
record RouteAccess(Kind kind, Optional<ApiScope> scope) {
    enum Kind {
        /** No credentials asked (the handler may authenticate by its own means: a login body, HTTP Basic, nothing). */
        PUBLIC,
        /** A signed-in user (a session token, or the console's cookie with its CSRF token); an access token gets 403. */
        SIGNED_IN,
        /** A signed-in user, or an API client's access token for the route's account holding the scope. */
        SIGNED_IN_OR_TOKEN
    }

    static final RouteAccess PUBLIC = new RouteAccess(Kind.PUBLIC, Optional.empty());
    static final RouteAccess SIGNED_IN = new RouteAccess(Kind.SIGNED_IN, Optional.empty());

    static RouteAccess signedInOrToken(ApiScope scope) {
        return new RouteAccess(Kind.SIGNED_IN_OR_TOKEN, Optional.of(scope));
    }
}
