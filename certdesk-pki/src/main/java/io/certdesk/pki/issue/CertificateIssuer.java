package io.certdesk.pki.issue;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;

/**
 * Creates the platform CA and the chains it issues. Time comes from the {@link Clock} and
 * randomness (keys and serial numbers) from the {@link SecureRandom} given to the constructor.
 */
public final class CertificateIssuer {
    /** Certificates start this long before "now", so a client whose clock is slightly behind accepts them. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final Clock clock;
    private final SecureRandom random;

    public CertificateIssuer(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /**
     * A new platform CA: a root valid for {@code rootValidity} and an issuing CA below it, valid
     * for half that, both with keys of {@code keyType}.
     */
    public PlatformCa createPlatformCa(String organization, KeyType keyType, Duration rootValidity) {
        Instant now = clock.instant();
        KeyPair rootKeys = KeyPairs.generate(keyType, random);
        X500Name rootName = name(organization + " Root CA", organization);
        X509Certificate root = sign(builder(rootName, rootName, now, rootValidity, rootKeys.getPublic())
                .addCa(rootKeys.getPublic(), rootKeys.getPublic(), 1), rootKeys.getPrivate(), keyType);

        KeyPair issuingKeys = KeyPairs.generate(keyType, random);
        X500Name issuingName = name(organization + " Issuing CA", organization);
        X509Certificate issuing = sign(builder(rootName, issuingName, now, rootValidity.dividedBy(2), issuingKeys.getPublic())
                .addCa(issuingKeys.getPublic(), root.getPublicKey(), 0), rootKeys.getPrivate(), keyType);
        return new PlatformCa(root, rootKeys.getPrivate(), issuing, issuingKeys.getPrivate());
    }

    /**
     * A TLS server chain for one DNS name (already normalized): leaf with SAN = that name, then
     * the issuing CA and the root. The leaf never outlives the issuing CA.
     */
    public IssuedChain issueTlsServer(PlatformCa ca, String dnsName, KeyType keyType, Duration validity) {
        Instant now = clock.instant();
        KeyPair keys = KeyPairs.generate(keyType, random);
        Duration capped = capToIssuer(ca.issuing(), now, validity);
        Extensions leaf = builder(X500Name.getInstance(ca.issuing().getSubjectX500Principal().getEncoded()),
                name(dnsName, null), now, capped, keys.getPublic());
        leaf.addEndEntity(keys.getPublic(), ca.issuing().getPublicKey(),
                keyType.algorithm().equals("RSA")
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                        : KeyUsage.digitalSignature,
                KeyPurposeId.id_kp_serverAuth);
        leaf.add(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        X509Certificate certificate = sign(leaf, ca.issuingKey(), keyTypeOf(ca.issuing().getPublicKey()));
        return new IssuedChain(keys.getPrivate(), List.of(certificate, ca.issuing(), ca.root()));
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
                    .setProvider(Providers.BC).setSecureRandom(random).build(signingKey);
            X509CertificateHolder holder = extensions.builder.build(signer);
            return new JcaX509CertificateConverter().setProvider(Providers.BC).getCertificate(holder);
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("signing a certificate failed", e);
        }
    }

    /** The key type that best describes an existing public key, to choose the signature algorithm. */
    static KeyType keyTypeOf(PublicKey key) {
        if (key instanceof java.security.interfaces.ECPublicKey ec) {
            int bits = ec.getParams().getOrder().bitLength();
            return bits > 256 ? KeyType.EC_P384 : KeyType.EC_P256;
        }
        if (key instanceof java.security.interfaces.RSAPublicKey rsa) {
            return rsa.getModulus().bitLength() > 3072 ? KeyType.RSA_4096 : KeyType.RSA_2048;
        }
        throw new IllegalArgumentException("unsupported issuer key " + key.getAlgorithm());
    }

    private static X500Name name(String commonName, String organization) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName);
        if (organization != null) {
            name.addRDN(BCStyle.O, organization);
        }
        return name.build();
    }

    /** A certificate builder with the extensions Certdesk puts on every certificate. */
    private static final class Extensions {
        private static final JcaX509ExtensionUtils UTILS = newUtils();
        private final X509v3CertificateBuilder builder;

        Extensions(X509v3CertificateBuilder builder) {
            this.builder = builder;
        }

        Extensions addCa(PublicKey subjectKey, PublicKey issuerKey, int pathLength) {
            add(Extension.basicConstraints, true, new BasicConstraints(pathLength));
            add(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            return identifiers(subjectKey, issuerKey);
        }

        Extensions addEndEntity(PublicKey subjectKey, PublicKey issuerKey, int keyUsage, KeyPurposeId purpose) {
            add(Extension.basicConstraints, true, new BasicConstraints(false));
            add(Extension.keyUsage, true, new KeyUsage(keyUsage));
            add(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            return identifiers(subjectKey, issuerKey);
        }

        private Extensions identifiers(PublicKey subjectKey, PublicKey issuerKey) {
            add(Extension.subjectKeyIdentifier, false, UTILS.createSubjectKeyIdentifier(subjectKey));
            add(Extension.authorityKeyIdentifier, false, UTILS.createAuthorityKeyIdentifier(issuerKey));
            return this;
        }

        void add(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, boolean critical, org.bouncycastle.asn1.ASN1Encodable value) {
            try {
                builder.addExtension(oid, critical, value);
            } catch (org.bouncycastle.cert.CertIOException e) {
                throw new IllegalStateException("cannot add extension " + oid, e);
            }
        }

        private static JcaX509ExtensionUtils newUtils() {
            try {
                return new JcaX509ExtensionUtils();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JDK", e);
            }
        }
    }
}
