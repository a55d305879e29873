package io.certdesk.server.chains;

import java.util.Map;
import java.util.Optional;

/** An account's PKI settings: the chain that signs its tokens (none: tokens are not issued) and which chain serves each domain. */
public record PkiSettings(Optional<String> signingChainId, Map<String, String> tlsBindings) {
    public PkiSettings {
        tlsBindings = Map.copyOf(tlsBindings);
    }
}
