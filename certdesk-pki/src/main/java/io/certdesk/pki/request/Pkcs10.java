package io.certdesk.pki.request;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.Providers;
import io.certdesk.pki.keys.KeyType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Provider;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate requests (RFC 2986): read one a device made (PEM or DER, its signature
 * checked, so the requester holds the key), and build one for a key made here.
 */
public final class Pkcs10 {
    /** A request is a few hundred bytes to a few KiB; anything past this is not one. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final String PEM_LABELS = "CERTIFICATE REQUEST|NEW CERTIFICATE REQUEST";

    private Pkcs10() {}

    /**
     * A request as read: its key, the names it asks for (DNS and IP subject alternative names in
     * the extensionRequest attribute, lower-cased DNS names; the common name apart) and its DER.
     */
    public record Request(
            PublicKey publicKey,
            List<String> dnsNames,
            List<String> ipAddresses,
            Optional<String> commonName,
            byte[] der) {
        public Request {
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
        }

        /** The hosts asked for: the DNS names, or the common name when the request has no subject alternative name. */
        public List<String> hostNames() {
            if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
                return dnsNames;
            }
            return commonName.map(cn -> List.of(cn.toLowerCase(Locale.ROOT))).orElse(List.of());
        }

        @Override
        public String toString() {
            return "Pkcs10.Request" + dnsNames;
        }
    }

    /** Reads a request in PEM ({@code CERTIFICATE REQUEST}) or DER and checks it is signed by its own key. */
    public static Request readPkcs10(byte[] file) {
        return readPkcs10(file, Optional.empty());
    }

    /**
     * As {@link #readPkcs10(byte[])}, the signature checked by {@code signatures} where one is given
     * and the request is signed with ECDSA or RSA PKCS#1 v1.5 over SHA-2 (BoringSSL's verification is
     * several times Bouncy Castle's speed), by Bouncy Castle otherwise.
     */
    public static Request readPkcs10(byte[] file, Optional<Provider> signatures) {
        if (file == null || file.length == 0) {
            throw invalid("The certificate request is empty.", null);
        }
        if (file.length > MAX_BYTES) {
            throw new PkiException(
                    PkiError.TOO_LARGE,
                    "The certificate request is " + file.length + " bytes; at most " + MAX_BYTES + " are accepted.");
        }
        byte[] der = derOf(file);
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw invalid("The certificate request cannot be read: it is not a PKCS#10 request in PEM or DER.", e);
        }
        try {
            return read(
                    request,
                    der,
                    signatures.filter(p -> NATIVE_SIGNATURES.contains(
                            request.getSignatureAlgorithm().getAlgorithm())));
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw invalid("The certificate request cannot be read: its structure is damaged.", e);
        }
    }

    private static final Set<ASN1ObjectIdentifier> NATIVE_SIGNATURES = Set.of(
            PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption,
            PKCSObjectIdentifiers.sha512WithRSAEncryption,
            X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512);

    /** Whether the request's signature verifies with {@code key} on {@code provider}; empty when it cannot be checked there. */
    private static Optional<Boolean> signedBy(PKCS10CertificationRequest request, PublicKey key, Provider provider) {
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder()
                    .setProvider(provider)
                    .build(key);
            return Optional.of(request.isSignatureValid(verifier));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Request read(PKCS10CertificationRequest request, byte[] der, Optional<Provider> signatures) {
        PublicKey key;
        try {
            key = new JcaPKCS10CertificationRequest(request)
                    .setProvider(Providers.BC)
                    .getPublicKey();
        } catch (java.security.GeneralSecurityException e) {
            throw invalid("The key in the certificate request is of a type that cannot be read.", e);
        }
        boolean signed = signatures
                .flatMap(p -> signedBy(request, key, p)) // a key the native provider cannot take: Bouncy Castle decides
                .or(() -> signedBy(request, key, Providers.BC))
                .orElse(false);
        if (!signed) {
            throw new PkiException(
                    PkiError.CSR_SIGNATURE_INVALID,
                    "The certificate request is not signed by the key it carries: make it again on the device"
                            + " (its signature proves the device holds that key).");
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (Attribute attribute : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            ASN1Set values = attribute.getAttrValues();
            for (ASN1Encodable value : values) {
                GeneralNames names =
                        GeneralNames.fromExtensions(Extensions.getInstance(value), Extension.subjectAlternativeName);
                if (names == null) {
                    continue;
                }
                for (GeneralName name : names.getNames()) {
                    if (name.getTagNo() == GeneralName.dNSName) {
                        dns.add(DERIA5String.getInstance(name.getName())
                                .getString()
                                .toLowerCase(Locale.ROOT));
                    } else if (name.getTagNo() == GeneralName.iPAddress) {
                        ips.add(ipText(
                                ASN1OctetString.getInstance(name.getName()).getOctets()));
                    } else {
                        throw invalid(
                                "The certificate request asks for a subject alternative name of a kind the platform"
                                        + " CA does not issue (only DNS names are).",
                                null);
                    }
                }
            }
        }
        var cns = request.getSubject().getRDNs(BCStyle.CN);
        Optional<String> cn = cns.length == 0
                ? Optional.empty()
                : Optional.of(IETFUtils.valueToString(cns[0].getFirst().getValue()));
        return new Request(key, dns, ips, cn, der);
    }

    /** A request for {@code keys}, signed with it: CN the first name, every name a DNS subject alternative name. */
    public static byte[] build(KeyPair keys, KeyType keyType, List<String> dnsNames) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a request names at least one host");
        }
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, dnsNames.get(0))
                    .build();
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(dnsNames.stream()
                            .map(n -> new GeneralName(GeneralName.dNSName, n))
                            .toArray(GeneralName[]::new)));
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder(keyType.signatureAlgorithm())
                            .setProvider(Providers.BC)
                            .build(keys.getPrivate()))
                    .getEncoded();
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("building a certificate request failed", e);
        }
    }

    /** The request in PEM, as {@code openssl req} writes it. */
    public static String writePem(byte[] der) {
        return "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static byte[] derOf(byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        int begin = text.indexOf("-----BEGIN ");
        if (begin < 0) {
            return file;
        }
        var matcher = java.util.regex.Pattern.compile(
                        "-----BEGIN (" + PEM_LABELS + ")-----([A-Za-z0-9+/=\\s]*)-----END \\1-----")
                .matcher(text);
        if (!matcher.find(begin)) {
            throw invalid(
                    "The PEM holds no certificate request: expected '-----BEGIN CERTIFICATE REQUEST-----'.", null);
        }
        try {
            return Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
            throw invalid("The PEM certificate request is not valid base64.", e);
        }
    }

    private static String ipText(byte[] octets) {
        try {
            return InetAddress.getByAddress(octets).getHostAddress();
        } catch (UnknownHostException e) {
            throw invalid("The certificate request holds an IP address of " + octets.length + " bytes.", e);
        }
    }

    private static PkiException invalid(String message, Throwable cause) {
        return new PkiException(PkiError.INVALID_CSR, message, cause);
    }
}
