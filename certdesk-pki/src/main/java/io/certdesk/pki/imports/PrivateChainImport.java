package io.certdesk.pki.imports;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.chain.ChainBuilder;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.Pkcs12Reader;
import io.certdesk.pki.keys.KeyChecks;
import io.certdesk.pki.names.NameMatching;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The rules of importing private certificate chains from PKCS#12: every key entry becomes a
 * chain ordered leaf → root; the leaf must be valid now, strong, signed without MD5/SHA-1, and
 * named only with the account's domains. Certificates without a key are listed as ignored.
 */
public final class PrivateChainImport {
    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String ANY_EKU = "2.5.29.37.0";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private PrivateChainImport() {}

    /** A chain to store: its key, certificates leaf first, purposes and DNS names. */
    public record ImportedChain(
            PrivateKey key, List<X509Certificate> certificates, Set<ChainPurpose> purposes, List<String> dnsNames) {
        public X509Certificate leaf() {
            return certificates.get(0);
        }

        @Override
        public String toString() {
            return "ImportedChain[" + leaf().getSubjectX500Principal() + "]";
        }
    }

    /** A certificate of the file that became no chain, and why: {@code no_private_key} or {@code not_in_chain}. */
    public record Ignored(String subject, String sha256, IgnoredReason reason) {}

    public record Result(List<ImportedChain> chains, List<Ignored> ignored, List<ImportWarning> warnings) {}

    /**
     * @param domains the account's domains (stored form)
     * @param known   CA certificates that may complete a chain (the account's trusted CAs, the platform CA)
     */
    public static Result evaluate(
            byte[] file, char[] password, Collection<String> domains, Collection<X509Certificate> known, Instant now) {
        try {
            return evaluateChecked(file, password, domains, known, now);
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE, "A certificate in the file is damaged and cannot be checked.", e);
        }
    }

    private static Result evaluateChecked(
            byte[] file, char[] password, Collection<String> domains, Collection<X509Certificate> known, Instant now) {
        Pkcs12Reader.Contents contents = Pkcs12Reader.read(file, password);
        if (contents.keys().isEmpty()) {
            throw new PkiException(
                    PkiError.NO_PRIVATE_KEY,
                    "The file holds " + contents.certificates().size()
                            + " certificate(s) but no private key. Export the certificate together with its private key.");
        }
        List<X509Certificate> pool = contents.certificates().stream()
                .map(Pkcs12Reader.CertEntry::certificate)
                .distinct()
                .toList();
        List<ImportedChain> chains = new ArrayList<>();
        List<ImportWarning> warnings = new ArrayList<>();
        Set<X509Certificate> used = new LinkedHashSet<>();
        int n = 0;
        for (Pkcs12Reader.KeyEntry entry : contents.keys()) {
            n++;
            X509Certificate leaf = leafOf(entry, contents.certificates(), n);
            ChainBuilder.Built built = ChainBuilder.build(leaf, pool, known);
            check(built.certificates(), now);
            List<String> names = namesOf(leaf, domains);
            used.addAll(built.certificates());
            chains.add(new ImportedChain(entry.key(), built.certificates(), purposes(leaf), names));
            incompleteWarning(built).ifPresent(warnings::add);
        }
        List<Ignored> ignored = new ArrayList<>();
        for (X509Certificate certificate : pool) {
            if (!used.contains(certificate)) {
                ignored.add(new Ignored(
                        subject(certificate),
                        CertificateCodec.sha256Hex(certificate),
                        certificate.getBasicConstraints() >= 0
                                ? IgnoredReason.NOT_IN_CHAIN
                                : IgnoredReason.NO_PRIVATE_KEY));
            }
        }
        return new Result(chains, ignored, warnings);
    }

    /** The warning for a chain that does not reach a root, if it does not. */
    static Optional<ImportWarning> incompleteWarning(ChainBuilder.Built built) {
        if (built.complete()) {
            return Optional.empty();
        }
        X509Certificate leaf = built.certificates().get(0);
        X509Certificate top = built.certificates().get(built.certificates().size() - 1);
        return Optional.of(
                new ImportWarning(
                        CertificateCodec.sha256Hex(leaf),
                        WarningCode.INCOMPLETE_CHAIN,
                        "The chain of '"
                                + subject(leaf) + "' ends at '" + subject(top) + "', whose issuer '"
                                + top.getIssuerX500Principal().getName(X500Principal.RFC2253)
                                + "' is not in the file nor among the account's trusted CAs. Clients may not trust it; import that CA or a complete file."));
    }

    private static X509Certificate leafOf(
            Pkcs12Reader.KeyEntry entry, List<Pkcs12Reader.CertEntry> certificates, int n) {
        String which = entry.friendlyName().map(name -> "'" + name + "'").orElse("number " + n);
        if (entry.localKeyId().isPresent()) {
            for (Pkcs12Reader.CertEntry cert : certificates) {
                if (cert.localKeyId().isPresent()
                        && Arrays.equals(
                                cert.localKeyId().get(), entry.localKeyId().get())) {
                    if (!KeyChecks.matches(entry.key(), cert.certificate().getPublicKey())) {
                        throw new PkiException(
                                PkiError.KEY_MISMATCH,
                                "The private key " + which + " does not belong to its certificate '"
                                        + subject(cert.certificate()) + "'. Export the certificate with its own key.");
                    }
                    return cert.certificate();
                }
            }
        }
        for (Pkcs12Reader.CertEntry cert : certificates) {
            if (KeyChecks.matches(entry.key(), cert.certificate().getPublicKey())) {
                return cert.certificate();
            }
        }
        throw new PkiException(
                PkiError.KEY_MISMATCH,
                "No certificate in the file belongs to the private key " + which
                        + ". Export the certificate together with its key.");
    }

    static void check(List<X509Certificate> chain, Instant now) {
        X509Certificate leaf = chain.get(0);
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            throw new PkiException(
                    PkiError.EXPIRED,
                    "The certificate '" + subject(leaf) + "' expired on "
                            + DAY.format(leaf.getNotAfter().toInstant()) + ". Renew it and export the new one.");
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            throw new PkiException(
                    PkiError.NOT_YET_VALID,
                    "The certificate '" + subject(leaf) + "' is valid only from "
                            + DAY.format(leaf.getNotBefore().toInstant()) + ". Import it on or after that day.");
        }
        Optional<String> weak = KeyChecks.weakness(leaf.getPublicKey());
        if (weak.isPresent()) {
            throw new PkiException(
                    PkiError.WEAK_KEY, "The certificate '" + subject(leaf) + "' has " + weak.get() + ".");
        }
        for (X509Certificate certificate : chain) {
            boolean root = CertificateInfo.isSelfSigned(certificate);
            if (!root && KeyChecks.weakSignature(certificate)) {
                throw new PkiException(
                        PkiError.WEAK_SIGNATURE,
                        "The certificate '" + subject(certificate) + "' is signed with " + certificate.getSigAlgName()
                                + "; MD5 and SHA-1 signatures are refused. Have it reissued with SHA-256.");
            }
        }
    }

    /** The DNS names of the leaf (SAN, else CN), each checked against the account's domains. */
    static List<String> namesOf(X509Certificate leaf, Collection<String> domains) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        dns.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                    } else if (type == 7) {
                        ips.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE,
                    "The subject alternative names of '" + subject(leaf) + "' cannot be read.",
                    e);
        }
        if (dns.isEmpty() && ips.isEmpty()) {
            commonName(leaf).ifPresent(cn -> dns.add(cn.toLowerCase(Locale.ROOT)));
        }
        if (dns.isEmpty() && ips.isEmpty()) {
            throw new PkiException(
                    PkiError.NO_SUBJECT_NAMES,
                    "The certificate '" + subject(leaf)
                            + "' names no host: it has neither a DNS subject alternative name nor a common name.");
        }
        List<String> refused = new ArrayList<>(ips);
        for (String name : dns) {
            if (!NameMatching.coversAny(name, domains)) {
                refused.add(name);
            }
        }
        if (!refused.isEmpty()) {
            throw new PkiException(
                    PkiError.DOMAIN_NOT_ALLOWED,
                    "The certificate names " + String.join(", ", refused)
                            + (refused.size() == 1 ? ", which is" : ", which are") + " not among the account's domains"
                            + (domains.isEmpty() ? " (it has none yet)" : " (" + String.join(", ", domains) + ")")
                            + (ips.isEmpty() ? "" : "; an IP address can never match a domain") + ".");
        }
        return List.copyOf(new LinkedHashSet<>(dns));
    }

    static Set<ChainPurpose> purposes(X509Certificate leaf) {
        Set<ChainPurpose> purposes = EnumSet.of(ChainPurpose.TOKEN_SIGNING);
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku == null || eku.contains(SERVER_AUTH) || eku.contains(ANY_EKU)) {
                purposes.add(ChainPurpose.TLS_SERVER);
            }
        } catch (CertificateParsingException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE, "The extended key usage of '" + subject(leaf) + "' cannot be read.", e);
        }
        return purposes;
    }

    private static Optional<String> commonName(X509Certificate certificate) {
        try {
            List<Rdn> rdns =
                    new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253)).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdns.get(i).getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }
}
