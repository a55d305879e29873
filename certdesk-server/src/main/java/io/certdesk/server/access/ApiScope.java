package io.certdesk.server.access;

import java.util.List;

/** The scopes that let an access token read an account's routes; a client may hold other, free-form scopes too. */
public enum ApiScope {
    /** Trusted CA certificates and private chains (certificates and PEM, never keys). */
    CERTIFICATES_READ("certificates:read"),
    /** The PKI settings: signing chain, published keys, TLS bindings. */
    PKI_SETTINGS_READ("pki-settings:read");

    /** What a client created without scopes holds. */
    public static final List<String> DEFAULTS = List.of(CERTIFICATES_READ.value, PKI_SETTINGS_READ.value);

    private final String value;

    ApiScope(String value) {
        this.value = value;
    }

    /** The scope as it appears in a token's {@code scope} claim. */
    public String value() {
        return value;
    }
}
