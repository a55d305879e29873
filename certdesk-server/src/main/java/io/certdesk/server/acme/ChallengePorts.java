package io.certdesk.server.acme;

/**
 * Where ACME validation connects on the name asked for: port 80 for {@code http-01} and 443 for
 * {@code tls-alpn-01} on the Internet (RFC 8555, RFC 8737); a lab or a test sets others, as
 * Pebble does.
 */
public record ChallengePorts(int http, int tls) {
    public static final ChallengePorts STANDARD = new ChallengePorts(80, 443);

    public ChallengePorts {
        if (http < 1 || http > 65535 || tls < 1 || tls > 65535) {
            throw new IllegalArgumentException(
                    "ACME validation ports are 1 to 65535; found " + http + " and " + tls + ".");
        }
    }
}
