package io.certdesk.server.outbound;

/** How a connection check reaches TLS on the server it checks. */
public enum CheckProtocol {
    /** LDAP over TLS from the first byte (port 636, 3269). */
    LDAPS(true, true),
    /** LDAP, then the StartTLS extended operation (RFC 4513 §3). */
    LDAP_STARTTLS(true, false),
    HTTPS(false, true),
    /** SMTP over TLS from the first byte (port 465). */
    SMTPS(false, true),
    /** SMTP, then EHLO and STARTTLS (RFC 3207). */
    SMTP_STARTTLS(false, false);

    private final boolean ldap;
    private final boolean implicitTls;

    CheckProtocol(boolean ldap, boolean implicitTls) {
        this.ldap = ldap;
        this.implicitTls = implicitTls;
    }

    /** Whether a bind can follow the handshake. */
    public boolean ldap() {
        return ldap;
    }

    /** Whether TLS starts with the connection (else after a plain-text exchange). */
    public boolean implicitTls() {
        return implicitTls;
    }
}
