package io.certdesk.pki.testing;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v1CertificateBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds certificates at test time, with exactly the properties a test is about. */
public final class TestCa {
    public static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCa() {}

    /** A certificate and its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {}

    public static Builder certificate(String subject) {
        return new Builder(subject);
    }

    /** A fluent description of one certificate; self-signed unless {@link #issuedBy} is called. */
    public static final class Builder {
        private final String subject;
        private Issued issuer;
        private boolean ca = true;
        private boolean v1;
        private Instant notBefore = NOW.minus(Duration.ofDays(30));
        private Instant notAfter = NOW.plus(Duration.ofDays(365));
        private KeyType keyType = KeyType.EC_P256;
        private KeyPair keyPair;
        private String signatureAlgorithm;
        private final java.util.List<org.bouncycastle.asn1.x509.GeneralName> sans = new java.util.ArrayList<>();
        private org.bouncycastle.asn1.x509.KeyPurposeId[] ekus;
        private String ocspUrl;
        private String crlUrl;

        private Builder(String subject) {
            this.subject = subject;
        }

        public Builder issuedBy(Issued issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder endEntity() {
            this.ca = false;
            return this;
        }

        public Builder version1() {
            this.v1 = true;
            return this;
        }

        public Builder validity(Instant from, Instant to) {
            this.notBefore = from;
            this.notAfter = to;
            return this;
        }

        public Builder keyType(KeyType type) {
            this.keyType = type;
            return this;
        }

        /** Uses this key pair instead of generating one (for keys no {@link KeyType} describes, such as RSA-1024). */
        public Builder keyPair(KeyPair pair) {
            this.keyPair = pair;
            return this;
        }

        public Builder signatureAlgorithm(String algorithm) {
            this.signatureAlgorithm = algorithm;
            return this;
        }

        public Builder dns(String... names) {
            for (String name : names) {
                sans.add(new org.bouncycastle.asn1.x509.GeneralName(
                        org.bouncycastle.asn1.x509.GeneralName.dNSName, name));
            }
            return this;
        }

        public Builder ip(String address) {
            sans.add(new org.bouncycastle.asn1.x509.GeneralName(
                    org.bouncycastle.asn1.x509.GeneralName.iPAddress, address));
            return this;
        }

        /** An OCSP responder URL in the authority information access. */
        public Builder ocsp(String url) {
            this.ocspUrl = url;
            return this;
        }

        /** A CRL distribution point URL. */
        public Builder crl(String url) {
            this.crlUrl = url;
            return this;
        }

        public Builder extendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId... purposes) {
            this.ekus = purposes;
            return this;
        }

        public Issued build() {
            try {
                KeyPair keys = keyPair != null ? keyPair : KeyPairs.generate(keyType, RANDOM);
                X500Name name = new X500Name(subject);
                X500Name issuerName = issuer == null
                        ? name
                        : X500Name.getInstance(
                                issuer.certificate().getSubjectX500Principal().getEncoded());
                PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.key();
                String algorithm = signatureAlgorithm != null
                        ? signatureAlgorithm
                        : signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
                var signer = new JcaContentSignerBuilder(algorithm).build(signingKey);
                BigInteger serial = new BigInteger(64, RANDOM).add(BigInteger.ONE);
                var holder = v1
                        ? ((X509v1CertificateBuilder) new JcaX509v1CertificateBuilder(
                                        issuerName,
                                        serial,
                                        Date.from(notBefore),
                                        Date.from(notAfter),
                                        name,
                                        keys.getPublic()))
                                .build(signer)
                        : extensions(new JcaX509v3CertificateBuilder(
                                        issuerName,
                                        serial,
                                        Date.from(notBefore),
                                        Date.from(notAfter),
                                        name,
                                        keys.getPublic()))
                                .build(signer);
                return new Issued(new JcaX509CertificateConverter().getCertificate(holder), keys.getPrivate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private X509v3CertificateBuilder extensions(X509v3CertificateBuilder builder) throws Exception {
            builder.addExtension(
                    Extension.basicConstraints, true, ca ? new BasicConstraints(true) : new BasicConstraints(false));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(
                            ca
                                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                                    : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            if (!sans.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new org.bouncycastle.asn1.x509.GeneralNames(
                                sans.toArray(org.bouncycastle.asn1.x509.GeneralName[]::new)));
            }
            if (ocspUrl != null) {
                builder.addExtension(
                        Extension.authorityInfoAccess,
                        false,
                        new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
                                org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp,
                                new org.bouncycastle.asn1.x509.GeneralName(
                                        org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, ocspUrl)));
            }
            if (crlUrl != null) {
                var name = new org.bouncycastle.asn1.x509.DistributionPointName(
                        new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                                org.bouncycastle.asn1.x509.GeneralName.uniformResourceIdentifier, crlUrl)));
                builder.addExtension(
                        Extension.cRLDistributionPoints,
                        false,
                        new org.bouncycastle.asn1.x509.CRLDistPoint(new org.bouncycastle.asn1.x509.DistributionPoint[] {
                            new org.bouncycastle.asn1.x509.DistributionPoint(name, null, null)
                        }));
            }
            if (ekus != null) {
                builder.addExtension(
                        Extension.extendedKeyUsage, false, new org.bouncycastle.asn1.x509.ExtendedKeyUsage(ekus));
            }
            return builder;
        }
    }
}
