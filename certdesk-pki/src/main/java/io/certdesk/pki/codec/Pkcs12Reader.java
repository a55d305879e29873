package io.certdesk.pki.codec;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.Providers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Opens a PKCS#12 (.pfx/.p12) file with one password, telling apart a wrong password, a key
 * under another password, and a file (or key) with no password at all. Reads legacy (RC2/3DES,
 * SHA-1 MAC) and modern (PBES2 AES-256, SHA-256 MAC) files.
 */
public final class Pkcs12Reader {
    public static final int MAX_FILE_BYTES = 1024 * 1024;
    /** Bags read from one file at most: real files hold a handful. */
    public static final int MAX_BAGS = 1000;

    private Pkcs12Reader() {}

    /** A private key with the bag attributes that tie it to its certificate. */
    public record KeyEntry(PrivateKey key, Optional<byte[]> localKeyId, Optional<String> friendlyName) {
        @Override
        public String toString() {
            return "KeyEntry[" + key.getAlgorithm() + ", " + friendlyName.orElse("no name") + "]";
        }
    }

    public record CertEntry(X509Certificate certificate, Optional<byte[]> localKeyId, Optional<String> friendlyName) {}

    public record Contents(List<KeyEntry> keys, List<CertEntry> certificates) {}

    /**
     * Reads every key and certificate.
     *
     * @throws PkiException {@code TOO_LARGE}, {@code INVALID_FILE}, {@code PASSWORD_REQUIRED},
     *                      {@code WRONG_PASSWORD} or {@code PASSWORD_MISMATCH}
     */
    public static Contents read(byte[] file, char[] password) {
        try {
            return readChecked(file, password);
        } catch (PkiException e) {
            throw e;
        } catch (RuntimeException e) {
            // Malformed input can trip a parser anywhere; it is still the file that is at fault.
            throw new PkiException(
                    PkiError.INVALID_FILE, "The PKCS#12 file is damaged: its contents cannot be read.", e);
        }
    }

    private static Contents readChecked(byte[] file, char[] password) {
        if (file == null || file.length == 0) {
            throw new PkiException(PkiError.INVALID_FILE, "The file is empty.");
        }
        if (file.length > MAX_FILE_BYTES) {
            throw new PkiException(
                    PkiError.TOO_LARGE,
                    "The file is " + file.length + " bytes; at most " + MAX_FILE_BYTES
                            + " bytes (1 MiB) are accepted.");
        }
        if (password == null || password.length == 0) {
            throw new PkiException(
                    PkiError.PASSWORD_REQUIRED,
                    "A password is required: the one the PKCS#12 file and its key were exported with.");
        }
        PKCS12PfxPdu pfx = parse(file);
        if (pfx.hasMac()) {
            KdfLimits.check(pfx.toASN1Structure().getMacData().getIterationCount(), "integrity check (MAC)");
        }
        // Every key derivation (the MAC's, each encrypted content's, each key's) depends only on
        // the password and its own salt: the contents are opened on idle cores while this thread
        // opens the first one; the results are then read in file order, so the refusal reported
        // is the one a sequential read gives, a wrong password (the MAC) first.
        ContentInfo[] infos = contentInfos(pfx);
        if (infos.length > MAX_BAGS) {
            throw new PkiException(PkiError.INVALID_FILE, "The PKCS#12 file holds more than " + MAX_BAGS + " entries.");
        }
        List<SpareCores.Task<Opened>> opened = new ArrayList<>();
        for (int i = infos.length - 1; i >= 0; i--) {
            ContentInfo info = infos[i];
            // each task its own decryptor: Bouncy Castle's are not safe to share between threads
            opened.add(
                    0,
                    i == 0
                            ? SpareCores.inThisThread(() -> open(info, password))
                            : SpareCores.fork(() -> open(info, password)));
        }
        SpareCores.Task<Boolean> mac = SpareCores.inThisThread(() -> checkMac(pfx, password));
        try {
            return assemble(opened, mac);
        } catch (RuntimeException e) {
            mac.join(); // a wrong password outranks whatever the contents said
            throw e;
        }
    }

    /** One content of the authenticated safe, decrypted, with each of its keys decrypted (or why not). */
    private record Opened(boolean encrypted, RuntimeException failure, List<Item> items) {}

    /** A bag: a decrypted key (or the failure to decrypt it), an unprotected key, or a certificate. */
    private record Item(
            Object value, RuntimeException keyFailure, Optional<byte[]> localKeyId, Optional<String> name) {}

    private static Opened open(ContentInfo info, char[] password) {
        InputDecryptorProvider decryptor = KdfLimits.guard(decryptor(password));
        PKCS12SafeBagFactory factory;
        boolean encrypted = PKCSObjectIdentifiers.encryptedData.equals(info.getContentType());
        if (encrypted) {
            try {
                factory = new PKCS12SafeBagFactory(info, decryptor);
            } catch (PKCSException | RuntimeException e) {
                KdfLimits.rethrowRefusal(e);
                return new Opened(true, e instanceof RuntimeException r ? r : new IllegalStateException(e), List.of());
            }
        } else if (PKCSObjectIdentifiers.data.equals(info.getContentType())) {
            factory = safely(() -> new PKCS12SafeBagFactory(info));
        } else {
            throw new PkiException(
                    PkiError.INVALID_FILE,
                    "The PKCS#12 file holds content of type " + info.getContentType()
                            + ", which is neither data nor password-encrypted data.");
        }
        PKCS12SafeBag[] bags = safely(factory::getSafeBags);
        if (bags.length > MAX_BAGS) {
            throw new PkiException(PkiError.INVALID_FILE, "The PKCS#12 file holds more than " + MAX_BAGS + " entries.");
        }
        List<Item> items = new ArrayList<>();
        for (PKCS12SafeBag bag : bags) {
            Optional<byte[]> localKeyId = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_localKeyId)
                    .map(v -> ASN1OctetString.getInstance(v).getOctets());
            Optional<String> name = attribute(bag, PKCSObjectIdentifiers.pkcs_9_at_friendlyName)
                    .map(v -> DERBMPString.getInstance(v).getString());
            Object value = bag.getBagValue();
            if (value instanceof PKCS8EncryptedPrivateKeyInfo encryptedKey) {
                try {
                    items.add(new Item(
                            privateKey(encryptedKey.decryptPrivateKeyInfo(decryptor)), null, localKeyId, name));
                } catch (PKCSException | RuntimeException e) {
                    KdfLimits.rethrowRefusal(e);
                    if (e instanceof PkiException refusal) {
                        throw refusal;
                    }
                    items.add(new Item(
                            encryptedKey,
                            e instanceof RuntimeException r ? r : new IllegalStateException(e),
                            localKeyId,
                            name));
                }
            } else if (value instanceof PrivateKeyInfo || value instanceof X509CertificateHolder) {
                items.add(new Item(
                        value instanceof X509CertificateHolder holder ? certificate(holder) : value,
                        null,
                        localKeyId,
                        name));
            }
            // CRL and secret bags are not part of a certificate chain: passed over.
        }
        return new Opened(encrypted, null, items);
    }

    private static Contents assemble(List<SpareCores.Task<Opened>> opened, SpareCores.Task<Boolean> mac) {
        List<KeyEntry> keys = new ArrayList<>();
        List<CertEntry> certificates = new ArrayList<>();
        boolean anythingEncrypted = false;
        int bags = 0;
        for (SpareCores.Task<Opened> task : opened) {
            Opened content = task.join();
            anythingEncrypted |= content.encrypted();
            if (content.failure() != null) {
                throw mac.join() ? mismatch("the certificates", content.failure()) : wrongPassword(content.failure());
            }
            for (Item item : content.items()) {
                if (++bags > MAX_BAGS) {
                    throw new PkiException(
                            PkiError.INVALID_FILE, "The PKCS#12 file holds more than " + MAX_BAGS + " entries.");
                }
                if (item.keyFailure() != null) {
                    throw (mac.join() || !certificates.isEmpty())
                            ? mismatch("key " + (keys.size() + 1), item.keyFailure())
                            : wrongPassword(item.keyFailure());
                } else if (item.value() instanceof PrivateKey key) {
                    anythingEncrypted = true;
                    keys.add(new KeyEntry(key, item.localKeyId(), item.name()));
                } else if (item.value() instanceof PrivateKeyInfo) {
                    throw new PkiException(
                            PkiError.PASSWORD_REQUIRED,
                            "A private key in the file is not protected by a password. "
                                    + "Export it again with the key encrypted under the same password as the file.");
                } else if (item.value() instanceof X509Certificate certificate) {
                    certificates.add(new CertEntry(certificate, item.localKeyId(), item.name()));
                }
            }
        }
        if (!mac.join() && !anythingEncrypted) {
            throw new PkiException(
                    PkiError.PASSWORD_REQUIRED,
                    "The file is not protected by a password. Export it again with a password "
                            + "for the file and the same one for its key.");
        }
        return new Contents(keys, certificates);
    }

    private static PKCS12PfxPdu parse(byte[] file) {
        try {
            PKCS12PfxPdu pfx = new PKCS12PfxPdu(file);
            pfx.getContentInfos();
            return pfx;
        } catch (IOException | RuntimeException e) {
            String hint =
                    new String(file, 0, Math.min(file.length, 64), StandardCharsets.ISO_8859_1).contains("-----BEGIN")
                            ? " It is PEM text: a PKCS#12 file (.pfx/.p12) is binary; trusted CA certificates go under Trusted CA certificates."
                            : " Expected a PKCS#12 (.pfx/.p12) file.";
            throw new PkiException(PkiError.INVALID_FILE, "The file is not a PKCS#12 key store." + hint, e);
        }
    }

    /** True when a MAC was present and matched; a wrong password stops here. */
    private static boolean checkMac(PKCS12PfxPdu pfx, char[] password) {
        if (!pfx.hasMac()) {
            return false;
        }
        JcePKCS12MacCalculatorBuilderProvider macs =
                new JcePKCS12MacCalculatorBuilderProvider().setProvider(Providers.BC);
        try {
            Optional<Boolean> jdk = JdkPbe.macValid(pfx.toASN1Structure(), password);
            if (jdk.isPresent() ? jdk.get() : pfx.isMacValid(macs, password)) {
                return true;
            }
        } catch (PKCSException | RuntimeException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE,
                    "The integrity check (MAC) of the PKCS#12 file cannot be computed; "
                            + "its algorithm is not supported.",
                    e);
        }
        if (opensWithEmptyPassword(pfx)) {
            throw new PkiException(
                    PkiError.PASSWORD_REQUIRED,
                    "The file was exported with an empty password. Export it again with a "
                            + "password for the file and the same one for its key.");
        }
        throw wrongPassword(null);
    }

    /**
     * Whether the MAC is over an empty password. Tools encode an empty PKCS#12 password two
     * ways (no bytes, or the two-byte terminator): Bouncy Castle checks one, the JDK the other.
     */
    private static boolean opensWithEmptyPassword(PKCS12PfxPdu pfx) {
        try {
            if (pfx.isMacValid(new JcePKCS12MacCalculatorBuilderProvider().setProvider(Providers.BC), new char[0])) {
                return true;
            }
        } catch (PKCSException | RuntimeException e) {
            // this encoding of the empty password is not computable here; the JDK's may be
        }
        try {
            KeyStore.getInstance("PKCS12").load(new ByteArrayInputStream(pfx.getEncoded()), new char[0]);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static ContentInfo[] contentInfos(PKCS12PfxPdu pfx) {
        return safely(pfx::getContentInfos);
    }

    private static InputDecryptorProvider decryptor(char[] password) {
        return JdkPbe.decryptorProvider(
                password,
                new JcePKCSPBEInputDecryptorProviderBuilder()
                        .setProvider(Providers.BC)
                        .build(password));
    }

    private static Optional<ASN1Encodable> attribute(PKCS12SafeBag bag, ASN1ObjectIdentifier type) {
        for (var attribute : bag.getAttributes() == null ? new Attribute[0] : bag.getAttributes()) {
            if (attribute.getAttrType().equals(type)
                    && attribute.getAttrValues().size() > 0) {
                return Optional.of(attribute.getAttrValues().getObjectAt(0));
            }
        }
        return Optional.empty();
    }

    private static PrivateKey privateKey(PrivateKeyInfo info) {
        try {
            return new JcaPEMKeyConverter().setProvider(Providers.BC).getPrivateKey(info);
        } catch (IOException | RuntimeException e) {
            throw new PkiException(
                    PkiError.INVALID_FILE,
                    "A private key in the file is of a kind that cannot be read ("
                            + info.getPrivateKeyAlgorithm().getAlgorithm() + ").",
                    e);
        }
    }

    private static X509Certificate certificate(X509CertificateHolder holder) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException | RuntimeException e) {
            throw new PkiException(PkiError.INVALID_FILE, "A certificate in the file cannot be read.", e);
        }
    }

    private static PkiException wrongPassword(Throwable cause) {
        return new PkiException(
                PkiError.WRONG_PASSWORD,
                "The password does not open this PKCS#12 file. Check it and try again.",
                cause);
    }

    private static PkiException mismatch(String what, Throwable cause) {
        return new PkiException(
                PkiError.PASSWORD_MISMATCH,
                "The file opens with this password, but " + what
                        + " does not: it is under another password. Export the file again with one password for the file and its key.",
                cause);
    }

    private interface Step<T> {
        T run() throws Exception;
    }

    private static <T> T safely(Step<T> step) {
        try {
            return step.run();
        } catch (PkiException e) {
            throw e;
        } catch (Exception e) {
            throw new PkiException(
                    PkiError.INVALID_FILE, "The PKCS#12 file is damaged: its contents cannot be read.", e);
        }
    }
}
