package io.certdesk.pki.revocation;

import io.certdesk.pki.Providers;
import io.certdesk.pki.keys.KeyType;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs a CA's CRL (RFC 5280 §5, v2): issuer and authority key identifier of the CA,
 * the CRL number given, this and next update, and per entry the serial, the revocation date and
 * the reason code (absent for {@code unspecified}, as §5.3.1 asks). Cost grows with the entries
 * only: one pass, one signature.
 */
public final class CrlSigner {
    private final SecureRandom random;

    public CrlSigner(SecureRandom random) {
        this.random = random;
    }

    /** The DER of the signed CRL. */
    public byte[] sign(
            X509Certificate ca,
            PrivateKey caKey,
            BigInteger crlNumber,
            Instant thisUpdate,
            Instant nextUpdate,
            Collection<RevokedEntry> entries) {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (RevokedEntry entry : entries) {
                builder.addCRLEntry(
                        entry.serial(),
                        Date.from(entry.revokedAt()),
                        entry.reason().code()); // 0 (unspecified): no reason code
            }
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.getPublicKey()));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            return builder.build(new JcaContentSignerBuilder(
                                    KeyType.describing(ca.getPublicKey()).signatureAlgorithm())
                            .setProvider(Providers.BC)
                            .setSecureRandom(random)
                            .build(caKey))
                    .getEncoded();
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("signing a CRL failed", e);
        }
    }
}
