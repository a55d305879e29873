package io.certdesk.pki.revocation;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs OCSP responses (RFC 6960 §4.2) as a delegated responder: the responder certificate is
 * included, the responder is named by its key hash (RFC 5019 §2.2.3), times are whole seconds,
 * and a request's nonce is echoed. Refusals are unsigned, as the RFC has them.
 */
public final class OcspResponses {
    /** One certificate's answer, valid from {@code thisUpdate} to {@code nextUpdate}. */
    public record Answer(CertificateID id, CertStatus status, Instant thisUpdate, Instant nextUpdate) {}

    private static final Map<OcspRefusal.Status, byte[]> REFUSALS = refusals();

    private final X509CertificateHolder responder;
    private final PrivateKey key;
    private final String signatureAlgorithm;
    private final RespID responderId;
    private final SecureRandom random;
    private final Optional<Provider> provider;

    /** A signer for the responder whose certificate and (EC or RSA) key these are, signing with the JDK's providers. */
    public OcspResponses(X509Certificate responderCertificate, PrivateKey key, SecureRandom random) {
        this(responderCertificate, key, random, Optional.empty());
    }

    /**
     * As above, signing with {@code provider} when given (a native one signs P-256 an order of
     * magnitude faster than the JDK 17's; {@code key} must be one it takes).
     */
    public OcspResponses(
            X509Certificate responderCertificate, PrivateKey key, SecureRandom random, Optional<Provider> provider) {
        this.provider = provider;
        try {
            this.responder = new X509CertificateHolder(responderCertificate.getEncoded());
            this.responderId = new RespID(
                    SubjectPublicKeyInfo.getInstance(
                            responderCertificate.getPublicKey().getEncoded()),
                    new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1));
        } catch (IOException | GeneralSecurityException | OperatorCreationException | OCSPException e) {
            throw new IllegalStateException("cannot read the responder certificate", e);
        }
        this.key = key;
        this.signatureAlgorithm = io.certdesk.pki.keys.KeyType.describing(responderCertificate.getPublicKey())
                .signatureAlgorithm();
        this.random = random;
    }

    public X509Certificate responderCertificate() {
        try {
            return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(responder);
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed, successful response with these answers, produced at {@code producedAt}, echoing {@code nonce}. */
    public byte[] sign(List<Answer> answers, Instant producedAt, Optional<Extension> nonce) {
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(responderId);
        for (Answer answer : answers) {
            builder.addResponse(
                    answer.id(), status(answer.status()), date(answer.thisUpdate()), date(answer.nextUpdate()), null);
        }
        nonce.ifPresent(n -> builder.setResponseExtensions(new Extensions(n)));
        try {
            JcaContentSignerBuilder signers = new JcaContentSignerBuilder(signatureAlgorithm).setSecureRandom(random);
            provider.ifPresent(signers::setProvider);
            var signer = signers.build(key);
            return new OCSPRespBuilder()
                    .build(
                            OCSPRespBuilder.SUCCESSFUL,
                            builder.build(signer, new X509CertificateHolder[] {responder}, date(producedAt)))
                    .getEncoded();
        } catch (OCSPException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("signing an OCSP response failed", e);
        }
    }

    /** The unsigned response for a refusal (the same bytes every time). */
    public static byte[] refusal(OcspRefusal.Status status) {
        return REFUSALS.get(status).clone();
    }

    private static CertificateStatus status(CertStatus status) {
        if (status instanceof CertStatus.Revoked revoked) {
            return new RevokedStatus(new RevokedInfo(
                    new ASN1GeneralizedTime(date(revoked.at())),
                    revoked.reason().code() == 0
                            ? null
                            : CRLReason.lookup(revoked.reason().code())));
        }
        return status instanceof CertStatus.Good ? CertificateStatus.GOOD : new UnknownStatus();
    }

    private static Date date(Instant instant) {
        return Date.from(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static Map<OcspRefusal.Status, byte[]> refusals() {
        Map<OcspRefusal.Status, byte[]> all = new EnumMap<>(OcspRefusal.Status.class);
        for (OcspRefusal.Status status : OcspRefusal.Status.values()) {
            try {
                all.put(
                        status,
                        new OCSPRespBuilder().build(status.value(), null).getEncoded());
            } catch (OCSPException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return all;
    }
}
