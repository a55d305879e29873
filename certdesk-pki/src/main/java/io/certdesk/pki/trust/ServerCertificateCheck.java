package io.certdesk.pki.trust;

import io.certdesk.pki.names.NameMatching;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a server's presented chain is to be trusted by an account: a PKIX path from its leaf
 * to one of the account's trusted certificates (RFC 5280, the presented certificates as
 * intermediates), every certificate on it valid now, and the leaf naming the host the client
 * asked for (RFC 6125: DNS names of the subject alternative names, a wildcard for one leftmost
 * label; an IP address only by an IP address entry; the common name is not used). Revocation is
 * checked separately ({@link RevocationStatus}), by a caller that may go to the network.
 */
public final class ServerCertificateCheck {
    private ServerCertificateCheck() {}

    /** Why a presented chain is not trusted. */
    public enum Failure {
        /** No path to a trusted certificate: the issuer (named by {@link Outcome#topmost()}) is not trusted. */
        UNKNOWN_ISSUER("unknown_issuer"),
        /** A path exists, but a certificate on it is outside its validity now. */
        EXPIRED("expired"),
        /** The chain is trusted, but the leaf does not name the host. */
        HOSTNAME_MISMATCH("hostname_mismatch"),
        /** The server presented no certificate. */
        NO_CERTIFICATE("handshake_failed");

        private final String code;

        Failure(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * @param failure   empty when the chain is trusted for the host
     * @param message   a sentence for the admin
     * @param path      the validated path, leaf first, trust anchor last (when one was found)
     * @param topmost   the topmost CA certificate the server presented (else its last certificate): the one to import
     * @param hostnameMatches whether the leaf names the host, whatever the path
     */
    public record Outcome(
            Optional<Failure> failure,
            String message,
            List<X509Certificate> path,
            Optional<X509Certificate> topmost,
            boolean hostnameMatches) {
        public boolean trusted() {
            return failure.isEmpty();
        }
    }

    /** Checks {@code presented} (leaf first, as sent) against {@code anchors} for {@code host} at {@code now}. */
    public static Outcome check(
            List<X509Certificate> presented, Collection<X509Certificate> anchors, String host, Instant now) {
        if (presented.isEmpty()) {
            return new Outcome(
                    Optional.of(Failure.NO_CERTIFICATE),
                    "The server presented no certificate.",
                    List.of(),
                    Optional.empty(),
                    false);
        }
        X509Certificate leaf = presented.get(0);
        boolean hostnameMatches = names(leaf, host);
        Optional<X509Certificate> topmost = topmost(presented);
        Optional<List<X509Certificate>> path = path(presented, anchors, now);
        if (path.isEmpty()) {
            Optional<List<X509Certificate>> anyTime =
                    path(presented, anchors, leaf.getNotBefore().toInstant());
            if (anyTime.isPresent()) {
                X509Certificate outside = anyTime.get().stream()
                        .filter(c -> !validAt(c, now))
                        .findFirst()
                        .orElse(leaf);
                String when = now.isBefore(outside.getNotBefore().toInstant())
                        ? "is not valid before " + outside.getNotBefore().toInstant()
                        : "expired on " + outside.getNotAfter().toInstant();
                return new Outcome(
                        Optional.of(Failure.EXPIRED),
                        "The certificate " + outside.getSubjectX500Principal().getName() + " " + when + ".",
                        anyTime.get(),
                        topmost,
                        hostnameMatches);
            }
            String issuer = topmost.map(c -> c.getSubjectX500Principal().getName())
                    .orElse(leaf.getIssuerX500Principal().getName());
            return new Outcome(
                    Optional.of(Failure.UNKNOWN_ISSUER),
                    "The server's certificate is issued by " + issuer
                            + ", which is not among the account's trusted CA certificates. Import that CA certificate to trust it.",
                    List.of(),
                    topmost,
                    hostnameMatches);
        }
        if (!hostnameMatches) {
            return new Outcome(
                    Optional.of(Failure.HOSTNAME_MISMATCH),
                    "The server's certificate does not name " + host + " (it names "
                            + String.join(", ", subjectNames(leaf)) + ").",
                    path.get(),
                    topmost,
                    false);
        }
        return new Outcome(
                Optional.empty(), "The server's certificate is trusted for " + host + ".", path.get(), topmost, true);
    }

    private static boolean validAt(X509Certificate certificate, Instant now) {
        return !now.isBefore(certificate.getNotBefore().toInstant())
                && !now.isAfter(certificate.getNotAfter().toInstant());
    }

    /** The path from the leaf to an anchor, valid at {@code at}; empty when there is none. */
    private static Optional<List<X509Certificate>> path(
            List<X509Certificate> presented, Collection<X509Certificate> anchors, Instant at) {
        X509Certificate leaf = presented.get(0);
        for (X509Certificate anchor : anchors) {
            if (anchor.equals(leaf) && validAt(leaf, at)) {
                return Optional.of(List.of(leaf)); // the server's own certificate was imported: trusted as such
            }
        }
        if (anchors.isEmpty()) {
            return Optional.empty();
        }
        try {
            Set<TrustAnchor> trustAnchors = new HashSet<>();
            anchors.forEach(a -> trustAnchors.add(new TrustAnchor(a, null)));
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustAnchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            parameters.setMaxPathLength(8);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(presented)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult)
                    CertPathBuilder.getInstance("PKIX").build(parameters);
            List<X509Certificate> path = new ArrayList<>();
            result.getCertPath().getCertificates().forEach(c -> path.add((X509Certificate) c));
            path.add(result.getTrustAnchor().getTrustedCert());
            return Optional.of(List.copyOf(path));
        } catch (CertPathBuilderException e) {
            return Optional.empty();
        } catch (InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("PKIX is not available", e);
        }
    }

    /** The topmost CA certificate presented (the last with the CA flag), else the last one presented. */
    private static Optional<X509Certificate> topmost(List<X509Certificate> presented) {
        for (int i = presented.size() - 1; i >= 0; i--) {
            if (presented.get(i).getBasicConstraints() >= 0) {
                return Optional.of(presented.get(i));
            }
        }
        return Optional.of(presented.get(presented.size() - 1));
    }

    /** Whether {@code leaf} names {@code host} (RFC 6125). */
    public static boolean names(X509Certificate leaf, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        if (wanted.startsWith("[") && wanted.endsWith("]")) {
            wanted = wanted.substring(1, wanted.length() - 1);
        }
        boolean ipLiteral = isIpLiteral(wanted);
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives == null) {
                return false;
            }
            for (List<?> entry : alternatives) {
                int type = (Integer) entry.get(0);
                String value = entry.get(1).toString();
                if (ipLiteral && type == 7 && sameAddress(value, wanted)) {
                    return true;
                }
                if (!ipLiteral && type == 2 && NameMatching.covers(value, wanted)) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.matches("[0-9.]+") && host.chars().filter(c -> c == '.').count() == 3 || host.contains(":");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b)); // literals only: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static List<String> subjectNames(X509Certificate leaf) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.stream()
                        .filter(e -> (Integer) e.get(0) == 2 || (Integer) e.get(0) == 7)
                        .forEach(e -> names.add(e.get(1).toString()));
            }
        } catch (CertificateParsingException e) {
            // none readable
        }
        if (names.isEmpty()) {
            names.add("no DNS name or IP address");
        }
        return names;
    }
}
