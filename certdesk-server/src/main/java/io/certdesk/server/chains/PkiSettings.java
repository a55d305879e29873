package io.certdesk.server.chains;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An account's PKI settings: the chain that signs its tokens now (none: tokens are not issued),
 * a next one published ahead of its activation, how long tokens live, which chain serves each
 * domain, and every signing key the account publishes.
 */
public record PkiSettings(
        Optional<String> signingChainId,
        Optional<NextSigning> next,
        Duration tokenLifetime,
        Map<String, String> tlsBindings,
        List<PublishedKey> signingKeys) {

    public PkiSettings {
        tlsBindings = Map.copyOf(tlsBindings);
        signingKeys = List.copyOf(signingKeys);
    }

    /** A signing chain published now that starts signing at {@code activateAt}. */
    public record NextSigning(String chainId, Instant activateAt) {}

    /** Where a published signing key stands. A key no longer published is retired. */
    public enum KeyState {
        /** Signs the tokens issued now. */
        ACTIVE,
        /** Published ahead of its activation; signs nothing yet. */
        NEXT,
        /** Replaced; published until every token it signed has expired. */
        PASSIVE
    }

    /** A key in the account's JWKS: {@code until} is when a PASSIVE key retires, or when a NEXT key activates. */
    public record PublishedKey(String chainId, KeyState state, Optional<Instant> until) {}

    /** What a PUT asks for; absent lifetime means the default, absent activateAt means at once. */
    public record Change(
            Optional<String> signingChainId,
            Map<String, String> tlsBindings,
            Optional<Long> tokenLifetimeSeconds,
            Optional<Instant> activateAt) {}
}
