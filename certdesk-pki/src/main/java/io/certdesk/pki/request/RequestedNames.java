package io.certdesk.pki.request;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.names.DomainNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which names the platform CA issues a certificate for: each one exactly a domain of the account
 * (no wildcard, no IP address, no name merely under a domain), so that whoever may ask for an
 * account's certificates can only ever get the names the account was given.
 */
public final class RequestedNames {
    /** The most names one certificate issued here carries. */
    public static final int MAX_NAMES = 100;

    private RequestedNames() {}

    /**
     * The names normalized (IDN to A-labels, lower case), duplicates dropped, first-seen order;
     * refused with {@link PkiError#DOMAIN_NOT_ALLOWED} when any is not one of {@code domains}
     * (stored form), {@link PkiError#INVALID_CSR} when there are none, {@link PkiError#TOO_MANY_NAMES}
     * past {@link #MAX_NAMES}.
     */
    public static List<String> require(
            Collection<String> dnsNames, Collection<String> ipAddresses, Set<String> domains) {
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new PkiException(
                    PkiError.INVALID_CSR,
                    "The request names no host: give the device's DNS names as subject alternative names"
                            + " (or at least a common name).");
        }
        if (dnsNames.size() + ipAddresses.size() > MAX_NAMES) {
            throw new PkiException(
                    PkiError.TOO_MANY_NAMES,
                    "The request names " + (dnsNames.size() + ipAddresses.size()) + " hosts; a certificate issued"
                            + " here carries at most " + MAX_NAMES + ".");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        List<String> refused = new ArrayList<>(ipAddresses);
        for (String raw : dnsNames) {
            String name = normalizedOrRaw(raw);
            if (domains.contains(name)) {
                names.add(name);
            } else {
                refused.add(raw);
            }
        }
        if (!refused.isEmpty()) {
            boolean wildcard = refused.stream().anyMatch(n -> n.startsWith("*"));
            throw new PkiException(
                    PkiError.DOMAIN_NOT_ALLOWED,
                    "The request names " + String.join(", ", refused)
                            + (refused.size() == 1 ? ", which is" : ", which are") + " not among the account's domains"
                            + (domains.isEmpty() ? " (it has none yet)" : " (" + String.join(", ", domains) + ")")
                            + "; the platform CA issues only for the account's domains exactly"
                            + (wildcard ? ", never for a wildcard" : "")
                            + (ipAddresses.isEmpty() ? "" : ", and never for an IP address")
                            + ".");
        }
        return List.copyOf(names);
    }

    /**
     * Refuses a requested key the platform CA does not sign TLS certificates for: not RSA or EC
     * ({@link PkiError#UNSUPPORTED_KEY}), RSA under 2048 bits or EC off P-256/384/521
     * ({@link PkiError#WEAK_KEY}).
     */
    public static void requireIssuableKey(java.security.PublicKey key) {
        String algorithm = key.getAlgorithm();
        if (!algorithm.equals("RSA") && !algorithm.equals("EC") && !algorithm.equals("ECDSA")) {
            throw new PkiException(
                    PkiError.UNSUPPORTED_KEY,
                    "The request's key is " + algorithm + "; the platform CA signs TLS certificates for RSA and EC"
                            + " (P-256, P-384, P-521) keys only.");
        }
        io.certdesk.pki.keys.KeyChecks.weakness(key).ifPresent(weak -> {
            throw new PkiException(PkiError.WEAK_KEY, "The request's key is " + weak + ".");
        });
    }

    private static String normalizedOrRaw(String name) {
        try {
            return DomainNames.normalizeHost(name);
        } catch (PkiException e) {
            return name;
        }
    }
}
