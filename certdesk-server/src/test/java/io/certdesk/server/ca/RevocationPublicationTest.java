package io.certdesk.server.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certdesk.pki.codec.PemCodec;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform CA's revocations as relying parties read them, over the plain-HTTP port: OpenSSL's
 * OCSP client and verifier, the JDK's PKIX revocation checker (OCSP, and CRLs only) and Python's
 * {@code cryptography} all hear "good", then "revoked" with the reason once the API revoked it.
 */
class RevocationPublicationTest extends OnBothDatabases {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Path dir;

    @BeforeAll
    static void tools() throws Exception {
        DebianTools.require("openssl");
        DebianTools.require("python3");
        dir = Files.createTempDirectory("certdesk-publication");
    }

    /** A generated chain of a new account, written as leaf.pem, issuing.pem and root.pem in its own folder. */
    private record Issued(String account, String chainId, Path folder, List<X509Certificate> chain) {
        Path leaf() {
            return folder.resolve("leaf.pem");
        }

        Path issuing() {
            return folder.resolve("issuing.pem");
        }

        Path root() {
            return folder.resolve("root.pem");
        }

        X509Certificate leafCertificate() {
            return chain.get(0);
        }
    }

    private static Issued issue() throws Exception {
        int n = NEXT.incrementAndGet();
        String name = "ocsp-" + n + "-" + System.nanoTime() % 100_000 + ".publication.test";
        String account = server.admin().createVendor("Publication " + n);
        server.admin().setDomains(account, name);
        String chainId = server.admin().generateTlsChain(account, name, Map.of());
        List<X509Certificate> certificates = server.admin().chainCertificates(account, chainId);
        Path folder = Files.createDirectories(dir.resolve(server.kind() + "-" + n));
        Issued issued = new Issued(account, chainId, folder, certificates);
        Files.writeString(issued.leaf(), PemCodec.writeCertificatePem(certificates.get(0)));
        Files.writeString(issued.issuing(), PemCodec.writeCertificatePem(certificates.get(1)));
        Files.writeString(issued.root(), PemCodec.writeCertificatePem(certificates.get(2)));
        return issued;
    }

    private static void revoke(Issued issued, String reason) {
        server.admin()
                .post(
                        "/api/v1/accounts/" + issued.account() + "/private-chains/" + issued.chainId() + "/revoke",
                        Map.of("reason", reason))
                .assertStatus(200);
    }

    private static String pki() {
        return "http://127.0.0.1:" + server.server().httpPort().orElseThrow();
    }

    private static HttpResponse<byte[]> get(String url, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static DebianTools.Run openssl(Issued issued, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        return DebianTools.run(issued.folder(), command);
    }

    /** What OpenSSL reads in an OCSP response (verified against the root) about the leaf. */
    private static String read(Issued issued, byte[] response) throws Exception {
        Files.write(issued.folder().resolve("response.der"), response);
        return openssl(
                        issued,
                        "ocsp",
                        "-respin",
                        "response.der",
                        "-issuer",
                        "issuing.pem",
                        "-cert",
                        "leaf.pem",
                        "-CAfile",
                        "root.pem")
                .output();
    }

    private static DebianTools.Run ask(Issued issued, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "ocsp",
                "-issuer",
                "issuing.pem",
                "-cert",
                "leaf.pem",
                "-url",
                pki() + "/pki/ocsp",
                "-CAfile",
                "root.pem"));
        args.addAll(List.of(extra));
        return openssl(issued, args.toArray(new String[0]));
    }

    @Test
    void openSslAsksTheResponderAndHearsGoodThenRevokedWithTheReasonAndUnknownForASerialNeverIssued() throws Exception {
        Issued issued = issue();
        assertThat(openssl(issued, "x509", "-in", "leaf.pem", "-noout", "-ocsp_uri")
                        .output()
                        .strip())
                .as("the leaf names the responder")
                .isEqualTo("http://localhost:" + server.server().httpPort().orElseThrow() + "/pki/ocsp");

        DebianTools.Run good = ask(issued);
        assertThat(good.output()).contains("Response verify OK").contains("leaf.pem: good");
        assertThat(good.exit()).isZero();
        assertThat(ask(issued, "-no_nonce").output())
                .contains("Response verify OK")
                .contains("leaf.pem: good");

        revoke(issued, "keyCompromise");
        DebianTools.Run revoked = ask(issued, "-resp_text");
        assertThat(revoked.output())
                .contains("Response verify OK")
                .contains("leaf.pem: revoked")
                .contains("Reason: keyCompromise")
                .contains("OCSP Nonce")
                .contains("Responder Id:")
                .contains("OCSP Signing");
        assertThat(ask(issued, "-no_nonce").output()).contains("leaf.pem: revoked");

        DebianTools.Run unknown = openssl(
                issued,
                "ocsp",
                "-issuer",
                "issuing.pem",
                "-serial",
                "0x" + new BigInteger(120, new java.security.SecureRandom()).toString(16),
                "-url",
                pki() + "/pki/ocsp",
                "-CAfile",
                "root.pem");
        assertThat(unknown.output()).contains("Response verify OK").contains(": unknown");
    }

    @Test
    void aGetRequestIsAnsweredFromMemoryWithCachingHeadersAndTheSameStatus() throws Exception {
        Issued issued = issue();
        assertThat(ask(issued, "-no_nonce", "-reqout", "request.der").exit()).isZero();
        String encoded = java.net.URLEncoder.encode(
                Base64.getEncoder()
                        .encodeToString(Files.readAllBytes(issued.folder().resolve("request.der"))),
                StandardCharsets.US_ASCII);
        HttpResponse<byte[]> first = get(pki() + "/pki/ocsp/" + encoded, Map.of());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
        assertThat(first.headers().firstValue("Cache-Control").orElseThrow())
                .contains("public")
                .containsPattern("max-age=4[0-9]{4}");
        assertThat(first.headers().firstValue("Expires")).isPresent();
        assertThat(first.headers().firstValue("Last-Modified")).isPresent();
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(read(issued, first.body())).contains("Response verify OK").contains("leaf.pem: good");

        HttpResponse<byte[]> again = get(pki() + "/pki/ocsp/" + encoded, Map.of());
        assertThat(again.body()).as("pre-signed: the same bytes").isEqualTo(first.body());
        assertThat(get(pki() + "/pki/ocsp/" + encoded, Map.of("If-None-Match", etag))
                        .statusCode())
                .isEqualTo(304);
        // unencoded base64 (with its "/" and "+") is read as well, as some clients send it
        String raw = Base64.getEncoder()
                .encodeToString(Files.readAllBytes(issued.folder().resolve("request.der")));
        assertThat(get(pki() + "/pki/ocsp/" + raw, Map.of()).body()).isEqualTo(first.body());

        revoke(issued, "superseded");
        HttpResponse<byte[]> after = get(pki() + "/pki/ocsp/" + encoded, Map.of("If-None-Match", etag));
        assertThat(after.statusCode())
                .as("a revocation changes the answer at once")
                .isEqualTo(200);
        assertThat(read(issued, after.body())).contains("leaf.pem: revoked").contains("Reason: superseded");
    }

    @Test
    void openSslVerifiesWithTheCrlFromTheDistributionPointThenFindsTheCertificateRevoked() throws Exception {
        Issued issued = issue();
        String cdp = crlUrl(issued.leafCertificate());
        assertThat(cdp).startsWith("http://localhost:").endsWith(".crl");
        DebianTools.Run downloaded = openssl(
                issued,
                "verify",
                "-crl_check",
                "-crl_download",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "issuing.pem",
                "leaf.pem");
        assertThat(downloaded.output()).contains("leaf.pem: OK");
        // the whole chain: the root's CRL covers the issuing CA
        crlNumber(issued);
        String rootCrl = pki() + "/pki/crl/"
                + io.certdesk.pki.issue.PkiLocations.caId(issued.chain().get(2)) + ".crl";
        Files.writeString(
                issued.folder().resolve("crls.pem"),
                Files.readString(issued.folder().resolve("crl.pem"))
                        + pem(get(rootCrl, Map.of()).body()));
        assertThat(openssl(
                                issued,
                                "verify",
                                "-crl_check_all",
                                "-CRLfile",
                                "crls.pem",
                                "-CAfile",
                                "root.pem",
                                "-untrusted",
                                "issuing.pem",
                                "leaf.pem")
                        .output())
                .contains("leaf.pem: OK");

        long before = crlNumber(issued);
        revoke(issued, "affiliationChanged");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (crlNumber(issued) == before) {
            assertThat(System.nanoTime()).as("reissued within 10 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        DebianTools.Run revoked = openssl(
                issued,
                "verify",
                "-crl_check",
                "-CRLfile",
                "crl.pem",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "issuing.pem",
                "leaf.pem");
        assertThat(revoked.output()).contains("certificate revoked");
        assertThat(openssl(issued, "crl", "-in", "crl.pem", "-noout", "-text").output())
                .contains("Authority Key Identifier")
                .contains(
                        issued.leafCertificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT))
                .contains("Affiliation Changed");
        assertThat(openssl(
                                issued,
                                "verify",
                                "-crl_check",
                                "-crl_download",
                                "-CAfile",
                                "root.pem",
                                "-untrusted",
                                "issuing.pem",
                                "leaf.pem")
                        .output())
                .contains("certificate revoked");
    }

    @Test
    void theJdkRevocationCheckerReachesTheSameAnswersByOcspAndByCrlsAlone() throws Exception {
        Issued good = issue();
        Issued revoked = issue();
        System.setProperty("com.sun.security.enableCRLDP", "true");
        validate(revoked, EnumSet.noneOf(PKIXRevocationChecker.Option.class));
        revoke(revoked, "keyCompromise");
        // the JDK keeps a CRL it fetched for 30 s: it fetches its first one only once the revocation is listed
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!crlLists(revoked)) {
            assertThat(System.nanoTime()).as("listed within 10 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        for (var options : List.of(
                EnumSet.noneOf(PKIXRevocationChecker.Option.class),
                EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK))) {
            validate(good, options);
            assertThatThrownBy(() -> validate(revoked, options))
                    .isInstanceOfSatisfying(CertPathValidatorException.class, e -> {
                        assertThat(e.getReason()).isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
                        assertThat(e.getIndex()).isZero();
                        assertThat(e.getMessage()).contains("KEY_COMPROMISE");
                    });
        }
    }

    @Test
    void pythonsCryptographyReadsTheCrlAndTheOcspResponse() throws Exception {
        Issued issued = issue();
        assertThat(ask(issued, "-no_nonce", "-reqout", "request.der").exit()).isZero();
        revoke(issued, "cessationOfOperation");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!crlLists(issued)) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(100);
        }
        HttpResponse<byte[]> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(pki() + "/pki/ocsp"))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofFile(issued.folder().resolve("request.der")))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        Files.write(issued.folder().resolve("response.der"), response.body());
        String script = String.join(
                "\n",
                "from cryptography import x509",
                "from cryptography.x509 import ocsp",
                "crl = x509.load_der_x509_crl(open('crl.der','rb').read())",
                "issuing = x509.load_pem_x509_certificate(open('issuing.pem','rb').read())",
                "leaf = x509.load_pem_x509_certificate(open('leaf.pem','rb').read())",
                "assert crl.is_signature_valid(issuing.public_key())",
                "entry = crl.get_revoked_certificate_by_serial_number(leaf.serial_number)",
                "print('crl', entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name)",
                "r = ocsp.load_der_ocsp_response(open('response.der','rb').read())",
                "print('ocsp', r.response_status.name, r.certificate_status.name, r.revocation_reason.name,"
                        + " r.serial_number == leaf.serial_number)");
        DebianTools.Run python = DebianTools.run(issued.folder(), pythonWithCryptography(), "-c", script);
        assertThat(python.output())
                .contains("crl cessation_of_operation")
                .contains("ocsp SUCCESSFUL REVOKED cessation_of_operation True");
    }

    @Test
    void theEdgeStaplesAGoodResponseForAGeneratedChainAndForThePlatformsOwn() throws Exception {
        Issued issued = issue();
        String name =
                issued.leafCertificate().getSubjectX500Principal().getName().substring(3);
        var stapled = io.certdesk.server.testing.OpenSslClient.connect(
                issued.folder(), server.server().httpsPort(), java.util.Optional.of(name), issued.root(), "-status");
        assertThat(stapled.output())
                .contains("OCSP Response Status: successful")
                .contains("Cert Status: good")
                .contains("Serial Number: "
                        + issued.leafCertificate()
                                .getSerialNumber()
                                .toString(16)
                                .toUpperCase(java.util.Locale.ROOT));
        var platform = io.certdesk.server.testing.OpenSslClient.connect(
                issued.folder(), server.server().httpsPort(), java.util.Optional.empty(), issued.root(), "-status");
        assertThat(platform.output())
                .contains("OCSP Response Status: successful")
                .contains("Cert Status: good");
        // a client that does not ask gets none
        var unasked = io.certdesk.server.testing.OpenSslClient.connect(
                issued.folder(), server.server().httpsPort(), java.util.Optional.of(name), issued.root());
        assertThat(unasked.output()).doesNotContain("OCSP Response Status");
        assertThat(unasked.leafSha256())
                .isEqualTo(io.certdesk.pki.codec.CertificateCodec.sha256Hex(issued.leafCertificate()));
    }

    @Test
    void thePlainHttpPortServesOnlyThePublicationsAndRefusesWhatItCannotAnswer() throws Exception {
        assertThat(get(pki() + "/api/v1/platform/ca.pem", Map.of()).statusCode())
                .isEqualTo(404);
        assertThat(get(pki() + "/", Map.of()).statusCode()).isEqualTo(404);
        assertThat(get(pki() + "/pki/crl/0000000000000000.crl", Map.of()).statusCode())
                .isEqualTo(404);
        X509Certificate root = server.server().platformCa().root();
        HttpResponse<byte[]> rootDer =
                get(pki() + "/pki/ca/" + io.certdesk.pki.issue.PkiLocations.caId(root) + ".crt", Map.of());
        assertThat(rootDer.statusCode()).isEqualTo(200);
        assertThat(rootDer.headers().firstValue("Content-Type")).hasValue("application/pkix-cert");
        assertThat(rootDer.body()).isEqualTo(root.getEncoded());

        // not an OCSP request: malformedRequest (1), unsigned, as RFC 6960 has it
        HttpResponse<byte[]> junk = HTTP.send(
                HttpRequest.newBuilder(URI.create(pki() + "/pki/ocsp"))
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(junk.statusCode()).isEqualTo(200);
        assertThat(new org.bouncycastle.cert.ocsp.OCSPResp(junk.body()).getStatus())
                .isEqualTo(1);
        // framed as a request, but its CertID's serial is not an INTEGER (found by fuzzing: it escaped
        // the reader as an IllegalArgumentException): malformedRequest too
        byte[] badSerial = new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.DERSequence(
                        new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.DERSequence(
                                new org.bouncycastle.asn1.DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                                    new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                                            org.bouncycastle.asn1.oiw.OIWObjectIdentifiers.idSHA1,
                                            org.bouncycastle.asn1.DERNull.INSTANCE),
                                    new org.bouncycastle.asn1.DEROctetString(new byte[20]),
                                    new org.bouncycastle.asn1.DEROctetString(new byte[20]),
                                    new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.2.3.4")
                                })))))
                .getEncoded();
        HttpResponse<byte[]> malformed = HTTP.send(
                HttpRequest.newBuilder(URI.create(pki() + "/pki/ocsp"))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(badSerial))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(malformed.statusCode()).isEqualTo(200);
        assertThat(new org.bouncycastle.cert.ocsp.OCSPResp(malformed.body()).getStatus())
                .isEqualTo(1);
        // about a CA that is not ours: unauthorized (6)
        var other = io.certdesk.pki.testing.TestCa.certificate("CN=Other CA").build();
        byte[] foreign = new org.bouncycastle.cert.ocsp.OCSPReqBuilder()
                .addRequest(new org.bouncycastle.cert.ocsp.CertificateID(
                        new org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder()
                                .build()
                                .get(org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1),
                        new org.bouncycastle.cert.X509CertificateHolder(
                                other.certificate().getEncoded()),
                        BigInteger.TEN))
                .build()
                .getEncoded();
        HttpResponse<byte[]> unauthorized = HTTP.send(
                HttpRequest.newBuilder(URI.create(pki() + "/pki/ocsp"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(foreign))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(new org.bouncycastle.cert.ocsp.OCSPResp(unauthorized.body()).getStatus())
                .isEqualTo(6);
        // too large a body is refused (read to its end first, so the client, still sending, reads the answer)
        try (var socket =
                new java.net.Socket("127.0.0.1", server.server().httpPort().orElseThrow())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write("POST /pki/ocsp HTTP/1.1\r\nHost: pki\r\nContent-Length: 65536\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[64 * 1024]);
            assertThat(new java.io.BufferedReader(
                                    new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                            .readLine())
                    .startsWith("HTTP/1.1 413");
        }
        HttpResponse<byte[]> put = HTTP.send(
                HttpRequest.newBuilder(URI.create(pki() + "/pki/ocsp"))
                        .PUT(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(put.statusCode()).isEqualTo(405);
    }

    private static void validate(Issued issued, Set<PKIXRevocationChecker.Option> options) throws Exception {
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        checker.setOptions(options);
        PKIXParameters parameters =
                new PKIXParameters(Set.of(new TrustAnchor(issued.chain().get(2), null)));
        parameters.addCertPathChecker(checker);
        validator.validate(
                CertificateFactory.getInstance("X.509")
                        .generateCertPath(issued.chain().subList(0, 2)),
                parameters);
    }

    private static String crlUrl(X509Certificate certificate) {
        String text = new String(
                certificate.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLDistributionPoints.getId()),
                StandardCharsets.ISO_8859_1);
        return text.substring(text.indexOf("http://"));
    }

    /** Fetches the leaf's CRL (as crl.der and crl.pem) from its distribution point; returns its number. */
    private static long crlNumber(Issued issued) throws Exception {
        String url = crlUrl(issued.leafCertificate()).replace("http://localhost:", "http://127.0.0.1:");
        HttpResponse<byte[]> crl = get(url, Map.of());
        assertThat(crl.statusCode()).isEqualTo(200);
        assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        assertThat(crl.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=");
        Files.write(issued.folder().resolve("crl.der"), crl.body());
        var x509 = (java.security.cert.X509CRL)
                CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(crl.body()));
        x509.verify(issued.chain().get(1).getPublicKey());
        Files.writeString(issued.folder().resolve("crl.pem"), pem(crl.body()));
        return org.bouncycastle.asn1.ASN1Integer.getInstance(org.bouncycastle.asn1.DEROctetString.getInstance(
                                x509.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLNumber.getId()))
                        .getOctets())
                .longValueExact();
    }

    /** Debian's python3 (where .ci/run installs python3-cryptography), else the one on the PATH. */
    private static String pythonWithCryptography() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            if (DebianTools.run(dir, python, "-c", "import cryptography").exit() == 0) {
                return python;
            }
        }
        throw new AssertionError("no python3 with the cryptography package (Debian: python3-cryptography)");
    }

    private static String pem(byte[] crl) {
        return "-----BEGIN X509 CRL-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(crl) + "\n-----END X509 CRL-----\n";
    }

    private static boolean crlLists(Issued issued) throws Exception {
        crlNumber(issued);
        var x509 = (java.security.cert.X509CRL) CertificateFactory.getInstance("X.509")
                .generateCRL(new ByteArrayInputStream(
                        Files.readAllBytes(issued.folder().resolve("crl.der"))));
        return x509.isRevoked(issued.leafCertificate());
    }
}
