package io.certdesk.server.chains;

import java.util.Map;
import java.util.Optional;

/** An account's PKI settings: the chain that signs its tokens (none: tokens are not issued) and which chain serves each domain. */
public record PkiSettings(Optional<String> signingChainId, Map<String, String> tlsBindings) {
    /** How long an access token is valid; a replaced signing key stays published this long (plus skew). */
    public static final java.time.Duration TOKEN_LIFETIME = java.time.Duration.ofMinutes(15);

    public PkiSettings {
        tlsBindings = Map.copyOf(tlsBindings);
    }
}
