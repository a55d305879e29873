package io.certdesk.pki.issue;

import io.certdesk.pki.Providers;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates the platform CA and the chains it issues. Time comes from the {@link Clock} and
 * randomness (keys and serial numbers) from the {@link SecureRandom} given to the constructor.
 */
public final class CertificateIssuer {
    /** Certificates start this long before "now", so a client whose clock is slightly behind accepts them. */
    /** How far before its issuance a certificate's notBefore is set (clocks of relying parties that lag). */
    public static final Duration BACKDATE = Duration.ofMinutes(5);

    /** The validity a certificate this issuer signed was asked for: its notBefore was set back from its issuance. */
    public static Duration validityAsIssued(Instant notBefore, Instant notAfter) {
        return Duration.between(notBefore.plus(BACKDATE), notAfter);
    }

    /** How long a delegated OCSP responder certificate is valid; it is renewed well before. */
    public static final Duration RESPONDER_VALIDITY = Duration.ofDays(30);

    private final Clock clock;
    private final SecureRandom random;
    private final Optional<PkiLocations> locations;
    private final Optional<Provider> signatures;

    public CertificateIssuer(Clock clock, SecureRandom random) {
        this(clock, random, Optional.empty());
    }

    public CertificateIssuer(Clock clock, SecureRandom random, Optional<PkiLocations> locations) {
        this(clock, random, locations, Optional.empty());
    }

    /**
     * An issuer whose certificates name where revocation is published ({@code locations}): every
     * one it signs below the root gets Authority Information Access and CRL Distribution Points.
     * ECDSA and RSA signatures are made by {@code signatures} where one is given (BoringSSL's, a
     * fraction of Bouncy Castle's cost for an RSA CA key), Ed25519 and the fallback by Bouncy Castle;
     * the certificates are the same either way.
     */
    public CertificateIssuer(
            Clock clock, SecureRandom random, Optional<PkiLocations> locations, Optional<Provider> signatures) {
        this.clock = clock;
        this.random = random;
        this.locations = locations;
        this.signatures = signatures;
    }

    /**
     * A fresh key pair of {@code keyType}: RSA made by the native provider given to the constructor
     * where it can ({@link KeyPairs#generate(KeyType, SecureRandom, Optional)}), from this issuer's
     * random source otherwise.
     */
    public KeyPair newKeyPair(KeyType keyType) {
        return KeyPairs.generate(keyType, random, signatures);
    }

    /**
     * A new platform CA: a root valid for {@code rootValidity} and an issuing CA below it, valid
     * for half that, both with keys of {@code keyType}.
     */
    public PlatformCa createPlatformCa(String organization, KeyType keyType, Duration rootValidity) {
        return createPlatformCa(organization, keyType, newKeyPair(keyType), newKeyPair(keyType), rootValidity);
    }

    /**
     * A new platform CA from key pairs of {@code keyType} generated by the caller (so it can
     * generate them in parallel: an RSA-3072 pair takes the best part of a second). An RSA root
     * also gets an EC P-256 issuing CA for EC leaves.
     */
    public PlatformCa createPlatformCa(
            String organization, KeyType keyType, KeyPair rootKeys, KeyPair issuingKeys, Duration rootValidity) {
        Instant now = clock.instant();
        X500Name rootName = name(organization + " Root CA", organization);
        X509Certificate root = sign(
                builder(rootName, rootName, now, rootValidity, rootKeys.getPublic())
                        .addCa(rootKeys.getPublic(), rootKeys.getPublic(), 1),
                rootKeys.getPrivate(),
                keyType);
        PlatformCa rootOnly =
                new PlatformCa(root, rootKeys.getPrivate(), root, rootKeys.getPrivate(), root, rootKeys.getPrivate());
        IssuedChain issuing = issuingCa(rootOnly, organization + " Issuing CA", issuingKeys, rootValidity.dividedBy(2));
        if (keyType.algorithm().equals("EC")) {
            return new PlatformCa(
                    root,
                    rootKeys.getPrivate(),
                    issuing.leaf(),
                    issuing.privateKey(),
                    issuing.leaf(),
                    issuing.privateKey());
        }
        IssuedChain ecIssuing = addEcIssuingCa(rootOnly, organization, rootValidity.dividedBy(2));
        return new PlatformCa(
                root,
                rootKeys.getPrivate(),
                issuing.leaf(),
                issuing.privateKey(),
                ecIssuing.leaf(),
                ecIssuing.privateKey());
    }

    /** An EC P-256 issuing CA signed by the root of {@code ca}, for EC leaves. */
    public IssuedChain addEcIssuingCa(PlatformCa ca, String organization, Duration validity) {
        return issuingCa(
                ca,
                organization + " EC Issuing CA",
                newKeyPair(KeyType.EC_P256),
                capToIssuer(ca.root(), clock.instant(), validity));
    }

    /**
     * The successor of an issuing CA of {@code ca}, signed by its root: a new key of the same type
     * and size, the same name with the next generation ({@code … Issuing CA G2}, {@code G3} …) so
     * that clients building a path by name never take one for the other, valid {@code validity}
     * (never past the root).
     */
    public IssuedChain renewIssuingCa(PlatformCa ca, X509Certificate old, Duration validity) {
        X500Name name = X500Name.getInstance(old.getSubjectX500Principal().getEncoded());
        var cns = name.getRDNs(BCStyle.CN);
        String commonName = cns.length == 0
                ? "Issuing CA"
                : IETFUtils.valueToString(cns[0].getFirst().getValue());
        java.util.regex.Matcher generation =
                java.util.regex.Pattern.compile("^(.*) G(\\d+)$").matcher(commonName);
        String next = generation.matches()
                ? generation.group(1) + " G" + (Integer.parseInt(generation.group(2)) + 1)
                : commonName + " G2";
        return issuingCa(ca, next, newKeyPair(keyTypeOf(old)), capToIssuer(ca.root(), clock.instant(), validity));
    }

    /** The exact key type of a CA certificate's key (RSA by its modulus, EC by its curve). */
    private static KeyType keyTypeOf(X509Certificate certificate) {
        PublicKey key = certificate.getPublicKey();
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits > 3072 ? KeyType.RSA_4096 : bits > 2048 ? KeyType.RSA_3072 : KeyType.RSA_2048;
        }
        return KeyType.describing(key);
    }

    private IssuedChain issuingCa(PlatformCa ca, String commonName, KeyPair keys, Duration validity) {
        X500Name rootName =
                X500Name.getInstance(ca.root().getSubjectX500Principal().getEncoded());
        String organization = organizationOf(ca.root());
        X509Certificate certificate = sign(
                builder(rootName, name(commonName, organization), clock.instant(), validity, keys.getPublic())
                        .addCa(keys.getPublic(), ca.root().getPublicKey(), 0)
                        .addLocations(locations, ca.root()),
                ca.rootKey(),
                KeyType.describing(ca.root().getPublicKey()));
        return new IssuedChain(keys.getPrivate(), List.of(certificate, ca.root()));
    }

    private static String organizationOf(X509Certificate certificate) {
        X500Name name =
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        var rdns = name.getRDNs(BCStyle.O);
        return rdns.length == 0
                ? "Certdesk"
                : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    /**
     * A TLS server chain for one DNS name (already normalized): leaf with SAN = that name, then
     * the issuing CA and the root. The leaf never outlives the issuing CA.
     */
    public IssuedChain issueTlsServer(PlatformCa ca, String dnsName, KeyType keyType, Duration validity) {
        KeyPair keys = newKeyPair(keyType);
        return new IssuedChain(
                keys.getPrivate(),
                issueForKey(ca, keys.getPublic(), List.of(dnsName), DeviceProfile.TLS_SERVER, validity));
    }

    /**
     * A certificate for a key held elsewhere (a device's CSR, an ACME order): the platform's
     * profile whatever the request asked for besides its key and names: subject CN the first name,
     * every name a DNS subject alternative name (already checked and normalized by the caller),
     * the extended key usages of {@code profile}, signed by the issuing CA of the key's algorithm.
     * Answers the chain, leaf first, then the issuing CA and the root; the leaf never outlives the
     * issuing CA.
     */
    public List<X509Certificate> issueForKey(
            PlatformCa ca, PublicKey publicKey, List<String> dnsNames, DeviceProfile profile, Duration validity) {
        if (dnsNames.isEmpty()) {
            throw new IllegalArgumentException("a certificate names at least one host");
        }
        Instant now = clock.instant();
        String algorithm = publicKey.getAlgorithm().equals("ECDSA") ? "EC" : publicKey.getAlgorithm();
        X509Certificate issuing = ca.issuingFor(algorithm);
        Extensions leaf = builder(
                X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()),
                name(dnsNames.get(0), null),
                now,
                capToIssuer(issuing, now, validity),
                publicKey);
        leaf.addEndEntity(
                publicKey,
                issuing.getPublicKey(),
                algorithm.equals("RSA")
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                        : KeyUsage.digitalSignature,
                profile.purposes().toArray(KeyPurposeId[]::new));
        leaf.add(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(dnsNames.stream()
                        .map(n -> new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new)));
        leaf.addLocations(locations, issuing);
        X509Certificate certificate =
                sign(leaf, ca.issuingKeyFor(algorithm), KeyType.describing(issuing.getPublicKey()));
        return List.of(certificate, issuing, ca.root());
    }

    /**
     * A token-signing chain for an account: leaf with keyUsage digitalSignature and a subject
     * naming the account, then the issuing CA and the root.
     */
    public IssuedChain issueTokenSigning(
            PlatformCa ca, String accountName, String accountId, KeyType keyType, Duration validity) {
        Instant now = clock.instant();
        KeyPair keys = newKeyPair(keyType);
        X509Certificate issuing = ca.issuingFor(keyType.algorithm());
        Extensions leaf = builder(
                X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()),
                tokenSigningName(accountName, accountId),
                now,
                capToIssuer(issuing, now, validity),
                keys.getPublic());
        leaf.addEndEntity(keys.getPublic(), issuing.getPublicKey(), KeyUsage.digitalSignature);
        leaf.addLocations(locations, issuing);
        X509Certificate certificate =
                sign(leaf, ca.issuingKeyFor(keyType.algorithm()), KeyType.describing(issuing.getPublicKey()));
        return new IssuedChain(keys.getPrivate(), List.of(certificate, issuing, ca.root()));
    }

    /**
     * A delegated OCSP responder for {@code ca} (RFC 6960 §4.2.2.2): an EC P-256 key, extended key
     * usage id-kp-OCSPSigning only, and id-pkix-ocsp-nocheck (relying parties do not check the
     * responder's own status), valid for {@link #RESPONDER_VALIDITY} at most, so the CA key signs
     * once a renewal, not once a request.
     */
    public IssuedChain issueOcspResponder(X509Certificate ca, PrivateKey caKey) {
        Instant now = clock.instant();
        KeyPair keys = newKeyPair(KeyType.EC_P256);
        X500Name caName = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        var cn = caName.getRDNs(BCStyle.CN);
        String caCommonName = cn.length == 0
                ? "Certdesk CA"
                : IETFUtils.valueToString(cn[0].getFirst().getValue());
        Extensions responder = builder(
                caName,
                name(caCommonName + " OCSP Responder", organizationOf(ca)),
                now,
                capToIssuer(ca, now, RESPONDER_VALIDITY),
                keys.getPublic());
        responder.addEndEntity(
                keys.getPublic(), ca.getPublicKey(), KeyUsage.digitalSignature, KeyPurposeId.id_kp_OCSPSigning);
        responder.add(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
        X509Certificate certificate = sign(responder, caKey, KeyType.describing(ca.getPublicKey()));
        return new IssuedChain(keys.getPrivate(), List.of(certificate, ca));
    }

    /**
     * The platform's SCEP registration authority (RFC 8894 §2.1): an RSA key that devices encrypt
     * their requests to and that signs every answer, so keyUsage digitalSignature and
     * keyEncipherment; signed by the RSA issuing CA, whose chain SCEP clients are given with it.
     */
    public X509Certificate issueScepRa(PlatformCa ca, PublicKey raKey, Duration validity) {
        if (!"RSA".equals(raKey.getAlgorithm())) {
            throw new IllegalArgumentException("a SCEP RA key is RSA: clients encrypt to it");
        }
        Instant now = clock.instant();
        X509Certificate issuing = ca.issuingFor("RSA");
        String organization = organizationOf(ca.root());
        Extensions ra = builder(
                X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()),
                name(organization + " SCEP RA", organization),
                now,
                capToIssuer(issuing, now, validity),
                raKey);
        ra.addEndEntity(raKey, issuing.getPublicKey(), KeyUsage.digitalSignature | KeyUsage.keyEncipherment);
        ra.addLocations(locations, issuing);
        return sign(ra, ca.issuingKeyFor("RSA"), KeyType.describing(issuing.getPublicKey()));
    }

    private static X500Name tokenSigningName(String accountName, String accountId) {
        String name = accountName.length() > 40 ? accountName.substring(0, 40) : accountName;
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, name)
                .addRDN(BCStyle.OU, "account " + accountId)
                .addRDN(BCStyle.CN, name + " token signing")
                .build();
    }

    private static Duration capToIssuer(X509Certificate issuer, Instant now, Duration wanted) {
        Duration left = Duration.between(now, issuer.getNotAfter().toInstant());
        return wanted.compareTo(left) > 0 ? left : wanted;
    }

    private Extensions builder(X500Name issuer, X500Name subject, Instant now, Duration validity, PublicKey publicKey) {
        BigInteger serial = new BigInteger(159, random).setBit(158);
        Date notBefore = Date.from(now.minus(BACKDATE));
        Date notAfter = Date.from(now.plus(validity));
        return new Extensions(new JcaX509v3CertificateBuilder(issuer, serial, notBefore, notAfter, subject, publicKey));
    }

    private X509Certificate sign(Extensions extensions, PrivateKey signingKey, KeyType signerType) {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(signerType.signatureAlgorithm())
                    .setProvider(signerType == KeyType.ED25519 ? Providers.BC : signatures.orElse(Providers.BC))
                    .setSecureRandom(random)
                    .build(signingKey);
            X509CertificateHolder holder = extensions.builder.build(signer);
            return new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(holder);
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("signing a certificate failed", e);
        }
    }

    private static X500Name name(String commonName, String organization) {
        // Most significant first, as CAs encode names: printed (RFC 4514) as "CN=…,O=…".
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        if (organization != null) {
            name.addRDN(BCStyle.O, organization);
        }
        return name.addRDN(BCStyle.CN, commonName).build();
    }

    /** A certificate builder with the extensions Certdesk puts on every certificate. */
    private static final class Extensions {
        // one per thread: it holds a SHA-1 MessageDigest, which is not safe to share; shared, two
        // certificates issued at once could name each other's key identifiers
        private static final ThreadLocal<JcaX509ExtensionUtils> UTILS = ThreadLocal.withInitial(Extensions::newUtils);
        private final X509v3CertificateBuilder builder;

        Extensions(X509v3CertificateBuilder builder) {
            this.builder = builder;
        }

        Extensions addCa(PublicKey subjectKey, PublicKey issuerKey, int pathLength) {
            add(Extension.basicConstraints, true, new BasicConstraints(pathLength));
            add(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            return identifiers(subjectKey, issuerKey);
        }

        Extensions addEndEntity(PublicKey subjectKey, PublicKey issuerKey, int keyUsage, KeyPurposeId... purposes) {
            add(Extension.basicConstraints, true, new BasicConstraints(false));
            add(Extension.keyUsage, true, new KeyUsage(keyUsage));
            if (purposes.length > 0) {
                add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            return identifiers(subjectKey, issuerKey);
        }

        private Extensions identifiers(PublicKey subjectKey, PublicKey issuerKey) {
            add(Extension.subjectKeyIdentifier, false, UTILS.get().createSubjectKeyIdentifier(subjectKey));
            add(Extension.authorityKeyIdentifier, false, UTILS.get().createAuthorityKeyIdentifier(issuerKey));
            return this;
        }

        /** Authority Information Access (OCSP, caIssuers) and CRL Distribution Points naming {@code issuer}'s publications. */
        Extensions addLocations(Optional<PkiLocations> locations, X509Certificate issuer) {
            locations.ifPresent(at -> {
                add(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
                    new AccessDescription(AccessDescription.id_ad_ocsp, uri(at.ocsp())),
                    new AccessDescription(AccessDescription.id_ad_caIssuers, uri(at.caCertificate(issuer)))
                }));
                add(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                    new DistributionPoint(new DistributionPointName(new GeneralNames(uri(at.crl(issuer)))), null, null)
                }));
            });
            return this;
        }

        private static GeneralName uri(String uri) {
            return new GeneralName(GeneralName.uniformResourceIdentifier, uri);
        }

        void add(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            try {
                builder.addExtension(oid, critical, value);
            } catch (CertIOException e) {
                throw new IllegalStateException("cannot add extension " + oid, e);
            }
        }

        private static JcaX509ExtensionUtils newUtils() {
            try {
                return new JcaX509ExtensionUtils();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JDK", e);
            }
        }
    }
}
