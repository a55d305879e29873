package io.certdesk.pki.revocation;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.Req;

/**
 * An OCSP request read (RFC 6960 §4.1): the certificates asked about and the nonce, if any.
 * Requests are small: a body over {@link #MAX_BYTES} or more than {@link #MAX_CERTIFICATES}
 * certificates is refused as malformed, as is a nonce outside 1 to 32 octets (RFC 8954 §2.1).
 *
 * @param nonce the request's nonce extension, as sent, to be echoed in the response
 */
public record OcspQuery(List<CertificateID> certificates, Optional<Extension> nonce) {
    public static final int MAX_BYTES = 16 * 1024;
    public static final int MAX_CERTIFICATES = 16;
    static final int MAX_NONCE = 32;

    public OcspQuery {
        certificates = List.copyOf(certificates);
    }

    /** Reads a DER OCSPRequest; a signature on the request, if any, is not needed and not checked. */
    public static OcspQuery parse(byte[] der) throws OcspRefusal {
        if (der.length == 0 || der.length > MAX_BYTES) {
            throw malformed("an OCSP request is 1 to " + MAX_BYTES + " bytes, this one " + der.length);
        }
        OCSPReq request;
        Req[] list;
        List<CertificateID> ids;
        Extension nonce;
        try {
            // Bouncy Castle reads the parts of a request when they are asked for: each may be malformed
            request = new OCSPReq(der);
            list = request.getRequestList();
            ids = java.util.Arrays.stream(list).map(Req::getCertID).toList();
            nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        } catch (IOException | RuntimeException e) {
            throw malformed("not a DER OCSPRequest: " + e.getMessage());
        }
        if (list.length == 0 || list.length > MAX_CERTIFICATES) {
            throw malformed(
                    "an OCSP request asks about 1 to " + MAX_CERTIFICATES + " certificates, this one " + list.length);
        }
        if (nonce != null) {
            int length = nonceLength(nonce);
            if (length < 1 || length > MAX_NONCE) {
                throw malformed("a nonce is 1 to " + MAX_NONCE + " octets (RFC 8954), this one " + length);
            }
        }
        return new OcspQuery(ids, Optional.ofNullable(nonce));
    }

    /** The nonce's octets: the OCTET STRING inside the extension value, or the raw value from clients that send it bare. */
    private static int nonceLength(Extension nonce) {
        byte[] value = nonce.getExtnValue().getOctets();
        try {
            return ASN1OctetString.getInstance(value).getOctets().length;
        } catch (RuntimeException e) {
            return value.length;
        }
    }

    private static OcspRefusal malformed(String message) {
        return new OcspRefusal(OcspRefusal.Status.MALFORMED_REQUEST, message);
    }
}
