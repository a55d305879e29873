package io.certdesk.pki.trust;

import io.certdesk.pki.certs.Signatures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * The revocation status of a certificate from its issuer's OCSP responder (RFC 6960) or CRL
 * (RFC 5280 §5): where to ask, what to send, and what an answer says. Fetching is the caller's
 * (it decides which addresses may be reached); this reads bytes and checks signatures and times.
 */
public final class RevocationStatus {
    /** How far an answer's thisUpdate may be in the future, and its nextUpdate in the past. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private RevocationStatus() {}

    /** What an answer says of a certificate. */
    public enum State {
        GOOD,
        REVOKED,
        /** The answer could not be used: unsigned by the issuer, stale, about another certificate, or the responder does not know it. */
        UNKNOWN
    }

    /**
     * @param detail     a sentence: the revocation time and reason, or why the answer was not usable
     * @param revokedAt  when it was revoked (REVOKED)
     * @param reasonCode its CRLReason code, when the answer gives one (REVOKED)
     * @param nextUpdate until when an OCSP answer is valid, when it says
     */
    public record Status(
            State state,
            String detail,
            Optional<Instant> revokedAt,
            Optional<Integer> reasonCode,
            Optional<Instant> nextUpdate) {
        public Status(State state, String detail) {
            this(state, detail, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** The OCSP responder URLs in a certificate's authority information access. */
    public static List<String> ocspUrls(X509Certificate certificate) {
        List<String> urls = new ArrayList<>();
        byte[] extension = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return urls;
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(ASN1Primitive.fromByteArray(
                    DEROctetString.getInstance(extension).getOctets()));
            for (AccessDescription description : aia.getAccessDescriptions()) {
                if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && description.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    urls.add(ASN1IA5String.getInstance(
                                    description.getAccessLocation().getName())
                            .getString());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable extension names no responder
        }
        return urls;
    }

    /** The CRL distribution point URLs of a certificate. */
    public static List<String> crlUrls(X509Certificate certificate) {
        List<String> urls = new ArrayList<>();
        byte[] extension = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        if (extension == null) {
            return urls;
        }
        try {
            CRLDistPoint points = CRLDistPoint.getInstance(ASN1Primitive.fromByteArray(
                    DEROctetString.getInstance(extension).getOctets()));
            for (DistributionPoint point : points.getDistributionPoints()) {
                DistributionPointName name = point.getDistributionPoint();
                if (name != null && name.getType() == DistributionPointName.FULL_NAME) {
                    for (GeneralName general :
                            GeneralNames.getInstance(name.getName()).getNames()) {
                        if (general.getTagNo() == GeneralName.uniformResourceIdentifier) {
                            urls.add(
                                    ASN1IA5String.getInstance(general.getName()).getString());
                        }
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable extension names no CRL
        }
        return urls;
    }

    /** The DER of an OCSP request for {@code certificate} (SHA-1 certificate ID, as responders expect). */
    public static byte[] ocspRequest(X509Certificate certificate, X509Certificate issuer) {
        try {
            CertificateID id = certificateId(certificate, issuer);
            OCSPReq request = new OCSPReqBuilder().addRequest(id).build();
            return request.getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("cannot build an OCSP request", e);
        }
    }

    private static CertificateID certificateId(X509Certificate certificate, X509Certificate issuer)
            throws OCSPException {
        try {
            return new CertificateID(
                    new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer),
                    certificate.getSerialNumber());
        } catch (OperatorCreationException | CertificateEncodingException e) {
            throw new OCSPException("cannot compute the certificate ID", e);
        }
    }

    /** What an OCSP response says of {@code certificate}, at {@code now}. */
    public static Status ocspStatus(byte[] response, X509Certificate certificate, X509Certificate issuer, Instant now) {
        try {
            OCSPResp resp = new OCSPResp(response);
            if (resp.getStatus() != OCSPResp.SUCCESSFUL) {
                return new Status(State.UNKNOWN, "the OCSP responder answered with status " + resp.getStatus());
            }
            if (!(resp.getResponseObject() instanceof BasicOCSPResp basic)) {
                return new Status(State.UNKNOWN, "the OCSP answer is not a basic response");
            }
            if (!signedByIssuerOrDelegate(basic, issuer, now)) {
                return new Status(
                        State.UNKNOWN, "the OCSP answer is not signed by the issuer or a responder it authorized");
            }
            CertificateID id = certificateId(certificate, issuer);
            for (SingleResp single : basic.getResponses()) {
                if (!single.getCertID().equals(id)) {
                    continue;
                }
                Instant thisUpdate = single.getThisUpdate().toInstant();
                if (thisUpdate.isAfter(now.plus(SKEW))
                        || single.getNextUpdate() != null
                                && single.getNextUpdate().toInstant().isBefore(now.minus(SKEW))) {
                    return new Status(State.UNKNOWN, "the OCSP answer is out of date");
                }
                Object status = single.getCertStatus();
                Optional<Instant> next =
                        Optional.ofNullable(single.getNextUpdate()).map(Date::toInstant);
                if (status == null) {
                    return new Status(State.GOOD, "OCSP: good", Optional.empty(), Optional.empty(), next);
                }
                if (status instanceof RevokedStatus revoked) {
                    return new Status(
                            State.REVOKED,
                            "revoked on " + revoked.getRevocationTime().toInstant()
                                    + (revoked.hasRevocationReason()
                                            ? " (reason " + reason(revoked.getRevocationReason()) + ")"
                                            : "")
                                    + ", says its OCSP responder",
                            Optional.of(revoked.getRevocationTime().toInstant()),
                            revoked.hasRevocationReason()
                                    ? Optional.of(revoked.getRevocationReason())
                                    : Optional.empty(),
                            next);
                }
                return new Status(State.UNKNOWN, "the OCSP responder does not know the certificate");
            }
            return new Status(State.UNKNOWN, "the OCSP answer is about another certificate");
        } catch (IOException | OCSPException | RuntimeException e) {
            return new Status(State.UNKNOWN, "the OCSP answer is unreadable");
        }
    }

    private static boolean signedByIssuerOrDelegate(BasicOCSPResp basic, X509Certificate issuer, Instant now) {
        try {
            JcaContentVerifierProviderBuilder verifiers = new JcaContentVerifierProviderBuilder();
            if (basic.isSignatureValid(verifiers.build(issuer))) {
                return true;
            }
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            for (X509CertificateHolder responder : basic.getCerts()) {
                boolean authorized = responder.getIssuer().equals(issuerHolder.getSubject())
                        && responder.isSignatureValid(verifiers.build(issuer))
                        && responder.isValidOn(Date.from(now))
                        && responder.getExtensions() != null
                        && ExtendedKeyUsage.fromExtensions(responder.getExtensions()) != null
                        && ExtendedKeyUsage.fromExtensions(responder.getExtensions())
                                .hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning);
                if (authorized && basic.isSignatureValid(verifiers.build(responder))) {
                    return true;
                }
            }
            return false;
        } catch (OperatorCreationException | OCSPException | CertException | CertificateException e) {
            return false;
        }
    }

    /** What a CRL says of {@code certificate}, at {@code now}. */
    public static Status crlStatus(byte[] crlBytes, X509Certificate certificate, X509Certificate issuer, Instant now) {
        try {
            X509CRL crl =
                    (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crlBytes));
            if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                return new Status(State.UNKNOWN, "the CRL is issued by another CA");
            }
            Signatures.verify(crl, issuer.getPublicKey());
            if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now.minus(SKEW))) {
                return new Status(
                        State.UNKNOWN,
                        "the CRL is out of date (next update "
                                + crl.getNextUpdate().toInstant() + ")");
            }
            BigInteger serial = certificate.getSerialNumber();
            X509CRLEntry entry = crl.getRevokedCertificate(serial);
            if (entry != null) {
                return new Status(
                        State.REVOKED,
                        "revoked on " + entry.getRevocationDate().toInstant()
                                + Optional.ofNullable(entry.getRevocationReason())
                                        .map(r -> " (reason " + r.name().toLowerCase(Locale.ROOT) + ")")
                                        .orElse("")
                                + ", says its CRL");
            }
            return new Status(State.GOOD, "CRL: not listed");
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Status(State.UNKNOWN, "the CRL is unreadable or not signed by the issuer");
        }
    }

    private static String reason(int code) {
        return switch (code) {
            case 1 -> "key compromise";
            case 2 -> "CA compromise";
            case 3 -> "affiliation changed";
            case 4 -> "superseded";
            case 5 -> "cessation of operation";
            case 6 -> "certificate hold";
            default -> String.valueOf(code);
        };
    }
}
