package io.certdesk.pki.testing;

import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.engines.DESedeEngine;
import org.bouncycastle.crypto.engines.RC2Engine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.bc.BcPKCS12PBEOutputEncryptorBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/** PKCS#12 files built at test time, the way various tools write them. */
public final class Pkcs12Files {
    private Pkcs12Files() {}

    /** What the JDK's KeyStore writes (PBES2/AES-256 and HmacSHA256 on Java 17), with its own key password. */
    public static byte[] jdk(PrivateKey key, List<X509Certificate> chain, char[] storePassword, char[] keyPassword) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, keyPassword, chain.toArray(new Certificate[0]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, storePassword);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A store of certificates only (trusted certificate entries), no key. */
    public static byte[] certificatesOnly(List<X509Certificate> certificates, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates) {
                store.setCertificateEntry("ca" + i++, c);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password);
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bouncy Castle builder options for files the JDK does not write. */
    public static final class Custom {
        private final PrivateKey key;
        private final List<X509Certificate> certificates;
        private X509Certificate keyCertificate;
        private boolean legacy;
        private boolean encryptKey = true;
        private boolean encryptCertificates = true;
        private boolean mac = true;
        private char[] keyPassword;

        public Custom(PrivateKey key, List<X509Certificate> certificates) {
            this.key = key;
            this.certificates = certificates;
            this.keyCertificate = certificates.isEmpty() ? null : certificates.get(0);
        }

        /** RC2-40 certificates, 3DES key, SHA-1 MAC: OpenSSL 1.x and Windows. */
        public Custom legacy() {
            this.legacy = true;
            return this;
        }

        public Custom unencryptedKey() {
            this.encryptKey = false;
            return this;
        }

        public Custom noEncryptionNoMac() {
            this.encryptKey = false;
            this.encryptCertificates = false;
            this.mac = false;
            return this;
        }

        public Custom keyPassword(char[] password) {
            this.keyPassword = password;
            return this;
        }

        /** Ties the key (by localKeyId) to this certificate instead of the first. */
        public Custom keyBelongsTo(X509Certificate certificate) {
            this.keyCertificate = certificate;
            return this;
        }

        public byte[] build(char[] password) {
            try {
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                SubjectKeyIdentifier keyId = utils.createSubjectKeyIdentifier(keyCertificate.getPublicKey());
                PKCS12SafeBag[] certBags = new PKCS12SafeBag[certificates.size()];
                for (int i = 0; i < certificates.size(); i++) {
                    PKCS12SafeBagBuilder b = new JcaPKCS12SafeBagBuilder(certificates.get(i));
                    b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString("cert" + i));
                    if (certificates.get(i).equals(keyCertificate)) {
                        b.addBagAttribute(
                                PKCSObjectIdentifiers.pkcs_9_at_localKeyId,
                                new DEROctetString(keyId.getKeyIdentifier()));
                    }
                    certBags[i] = b.build();
                }
                char[] kp = keyPassword != null ? keyPassword : password;
                PKCS12SafeBagBuilder keyBag = encryptKey
                        ? new JcaPKCS12SafeBagBuilder(key, keyEncryptor(kp))
                        : new PKCS12SafeBagBuilder(
                                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded()));
                keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString("server"));
                keyBag.addBagAttribute(
                        PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DEROctetString(keyId.getKeyIdentifier()));

                PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
                if (encryptCertificates) {
                    pfx.addEncryptedData(certificateEncryptor(password), certBags);
                } else {
                    for (PKCS12SafeBag bag : certBags) {
                        pfx.addData(bag);
                    }
                }
                pfx.addData(keyBag.build());
                PKCS12PfxPdu pdu = mac
                        ? pfx.build(
                                legacy
                                        ? new BcPKCS12MacCalculatorBuilder()
                                        : new BcPKCS12MacCalculatorBuilder(
                                                new org.bouncycastle.crypto.digests.SHA256Digest(),
                                                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                                        NISTObjectIdentifiers.id_sha256,
                                                        org.bouncycastle.asn1.DERNull.INSTANCE)),
                                password)
                        : pfx.build(null, password);
                return pdu.getEncoded();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private OutputEncryptor keyEncryptor(char[] password) throws Exception {
            if (legacy) {
                return new BcPKCS12PBEOutputEncryptorBuilder(
                                PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
                                CBCBlockCipher.newInstance(new DESedeEngine()))
                        .build(password);
            }
            return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setProvider(io.certdesk.pki.Providers.BC)
                    .build(password);
        }

        private OutputEncryptor certificateEncryptor(char[] password) throws Exception {
            if (legacy) {
                return new BcPKCS12PBEOutputEncryptorBuilder(
                                PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC,
                                CBCBlockCipher.newInstance(new RC2Engine()))
                        .build(password);
            }
            return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setProvider(io.certdesk.pki.Providers.BC)
                    .build(password);
        }
    }
}
