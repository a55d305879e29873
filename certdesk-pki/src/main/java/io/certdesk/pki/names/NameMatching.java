package io.certdesk.pki.names;

import io.certdesk.pki.PkiException;
import java.util.Collection;
import java.util.Locale;

/**
 * Whether a name in a certificate covers one of an account's domains: equal (case-insensitive,
 * IDN-normalized), or a wildcard {@code *.example.com} and the domain is exactly one label below
 * {@code example.com}. A wildcard over a single label ({@code *.com}) covers nothing.
 */
public final class NameMatching {
    private NameMatching() {}

    /** True when {@code certificateName} covers at least one of {@code domains} (stored form). */
    public static boolean coversAny(String certificateName, Collection<String> domains) {
        for (String domain : domains) {
            if (covers(certificateName, domain)) {
                return true;
            }
        }
        return false;
    }

    public static boolean covers(String certificateName, String domain) {
        String name = certificateName.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("*.")) {
            String base = normalizedOrNull(name.substring(2));
            if (base == null || !base.contains(".")) {
                return false;
            }
            int dot = domain.indexOf('.');
            return dot > 0 && domain.substring(dot + 1).equals(base);
        }
        String normalized = normalizedOrNull(name);
        return normalized != null && normalized.equals(domain);
    }

    private static String normalizedOrNull(String name) {
        try {
            return DomainNames.normalizeHost(name);
        } catch (PkiException e) {
            return null;
        }
    }
}
