package io.certdesk.server.testing;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/** The CA's publications as a relying party reads them, over a node's plain-HTTP port on 127.0.0.1. */
public final class Publications {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Publications() {}

    /** An OCSP request about {@code leaf} (SHA-1 CertID, as clients send it), with a fresh nonce when asked. */
    public static byte[] ocspRequest(X509Certificate leaf, X509Certificate issuer, boolean nonce) throws Exception {
        OCSPReqBuilder request = new OCSPReqBuilder()
                .addRequest(new CertificateID(
                        new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                        new X509CertificateHolder(issuer.getEncoded()),
                        leaf.getSerialNumber()));
        if (nonce) {
            byte[] value = new byte[8];
            new SecureRandom().nextBytes(value);
            request.setRequestExtensions(new Extensions(new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(value).getEncoded())));
        }
        return request.build().getEncoded();
    }

    /** The node's answer to a POSTed OCSP request, read as a basic response. */
    public static BasicOCSPResp ask(TestServer node, byte[] request) throws Exception {
        byte[] answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + node.server().httpPort().orElseThrow() + "/pki/ocsp"))
                                .header("Content-Type", "application/ocsp-request")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(request))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .body();
        return (BasicOCSPResp) new OCSPResp(answer).getResponseObject();
    }

    /** The CRL at {@code url}. */
    public static X509CRL crl(String url) throws Exception {
        byte[] der = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray())
                .body();
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }
}
