package io.certdesk.server.access;

/**
 * Platform admins may do everything; an account admin acts on its account (a vendor's, also on
 * its customers). An API client, holding an access token, reads its own account only.
 */
public enum Role {
    PLATFORM_ADMIN,
    ACCOUNT_ADMIN,
    API_CLIENT
}
