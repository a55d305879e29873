package io.certdesk.server.trust;

/**
 * An account's outbound trust settings.
 *
 * @param includePublicRoots also trust the JDK's public root CAs (off: only the account's own trusted CA certificates)
 */
public record TrustSettings(Revocation revocation, boolean includePublicRoots) {
    public static final TrustSettings DEFAULT = new TrustSettings(Revocation.SOFT_FAIL, false);
}
