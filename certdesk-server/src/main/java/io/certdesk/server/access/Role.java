package io.certdesk.server.access;

/** Platform admins may do everything; an account admin acts on its account (a vendor's, also on its customers). */
public enum Role {
    PLATFORM_ADMIN, ACCOUNT_ADMIN
}
