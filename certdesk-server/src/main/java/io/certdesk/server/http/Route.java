package io.certdesk.server.http;

import java.util.Optional;

/**
 * One HTTP route the server answers: method (upper case), path template ({@code {id}} style),
 * whether it needs a signed-in caller, and the API scope with which an access token may call it.
 */
public record Route(String method, String path, boolean signInRequired, Optional<String> tokenScope) {}
