package io.certdesk.bench;

import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.revocation.CertStatus;
import io.certdesk.pki.revocation.CrlSigner;
import io.certdesk.pki.revocation.OcspIssuer;
import io.certdesk.pki.revocation.OcspQuery;
import io.certdesk.pki.revocation.OcspResponses;
import io.certdesk.pki.revocation.RevokedEntry;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the CA's publications cost in the PKI core: an OCSP answer to a request with a nonce
 * (read, sign with the responder's P-256 key, encode) against the raw ECDSA P-256 signature it
 * contains, and building and signing a CRL of 10,000 and of 100,000 entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RevocationBenchmark {
    private static final Instant NOW = Instant.parse("2027-01-15T10:00:00Z");

    @Param({"10000", "100000"})
    public int revoked;

    private PlatformCa ca;
    private OcspResponses responses;
    private OcspResponses bcResponses;
    private OcspResponses nativeResponses;
    private PrivateKey nativeKey;
    private java.security.Provider conscrypt;
    private OcspIssuer issuer;
    private byte[] nonceRequest;
    private PrivateKey responderKey;
    private byte[] tbs;
    private List<RevokedEntry> entries;
    private CrlSigner crls;
    private List<byte[]> encoded;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        CertificateIssuer certificates = new CertificateIssuer(Clock.fixed(NOW, java.time.ZoneOffset.UTC), random);
        ca = certificates.createPlatformCa("Bench", KeyType.EC_P256, Duration.ofDays(3650));
        IssuedChain responder = certificates.issueOcspResponder(ca.issuing(), ca.issuingKey());
        responderKey = responder.privateKey();
        responses = new OcspResponses(responder.leaf(), responder.privateKey(), random);
        bcResponses = new OcspResponses(
                responder.leaf(), responder.privateKey(), random, Optional.of(io.certdesk.pki.Providers.BC));
        conscrypt = org.conscrypt.Conscrypt.newProvider();
        nativeKey = (PrivateKey)
                java.security.KeyFactory.getInstance("EC", conscrypt).translateKey(responder.privateKey());
        nativeResponses = new OcspResponses(responder.leaf(), nativeKey, random, Optional.of(conscrypt));
        issuer = new OcspIssuer(ca.issuing());
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        nonceRequest = new OCSPReqBuilder()
                .addRequest(issuer.certificateId(new BigInteger(159, random)))
                .setRequestExtensions(new Extensions(new Extension(
                        OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(nonce).getEncoded())))
                .build()
                .getEncoded();
        tbs = new byte[300];
        random.nextBytes(tbs);
        entries = new ArrayList<>(revoked);
        RevocationReason[] reasons = RevocationReason.values();
        for (int i = 0; i < revoked; i++) {
            entries.add(new RevokedEntry(
                    new BigInteger(159, random).setBit(158), NOW.minusSeconds(i), reasons[i % reasons.length]));
        }
        crls = new CrlSigner(random);
        encoded = entries.stream().map(CrlSigner::encode).toList();
    }

    /** The raw signature: SHA-256 with ECDSA over a response's size of data, as the responder signs. */
    @Benchmark
    public byte[] rawEcdsaP256Signature() throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(responderKey);
        signature.update(tbs);
        return signature.sign();
    }

    /** The same signature by Bouncy Castle. */
    @Benchmark
    public byte[] rawEcdsaP256SignatureBouncyCastle() throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA", io.certdesk.pki.Providers.BC);
        signature.initSign(responderKey);
        signature.update(tbs);
        return signature.sign();
    }

    /** The same signature by BoringSSL (Conscrypt), with the key translated once. */
    @Benchmark
    public byte[] rawEcdsaP256SignatureConscrypt() throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSA", conscrypt);
        signature.initSign(nativeKey);
        signature.update(tbs);
        return signature.sign();
    }

    /** A request with a nonce, read and answered: what the responder does for it besides HTTP (JDK signature). */
    @Benchmark
    public byte[] ocspAnswerWithNonce() throws Exception {
        return answer(responses);
    }

    /** As above, signed by Bouncy Castle. */
    @Benchmark
    public byte[] ocspAnswerWithNonceBouncyCastle() throws Exception {
        return answer(bcResponses);
    }

    /** As above, signed by BoringSSL (Conscrypt): what the server does where Conscrypt loads. */
    @Benchmark
    public byte[] ocspAnswerWithNonceConscrypt() throws Exception {
        return answer(nativeResponses);
    }

    private byte[] answer(OcspResponses responses) throws Exception {
        OcspQuery query = OcspQuery.parse(nonceRequest);
        return responses.sign(
                List.of(new OcspResponses.Answer(
                        query.certificates().get(0), CertStatus.GOOD, NOW, NOW.plus(Duration.ofHours(12)))),
                NOW,
                query.nonce());
    }

    /** A CRL of {@link #revoked} entries kept encoded (as the server keeps them between CRLs), signed by the issuing CA. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public byte[] crlFromEncodedEntries() {
        return crls.signEncoded(
                ca.issuing(), ca.issuingKey(), BigInteger.TEN, NOW, NOW.plus(Duration.ofDays(7)), encoded);
    }

    /** A CRL of {@link #revoked} entries, each encoded, built and signed by the issuing CA (a node's first CRL). */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 5)
    @Measurement(iterations = 10)
    public byte[] crl() {
        return crls.sign(ca.issuing(), ca.issuingKey(), BigInteger.TEN, NOW, NOW.plus(Duration.ofDays(7)), entries);
    }
}
