package io.certdesk.bench;

import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.keys.KeyType;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issuing an EC P-256 TLS chain from the platform CA (key generation + signing), one thread,
 * and the JDK 17 provider's EC key generation beside it for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
public class ChainGenerationBenchmark {
    private CertificateIssuer issuer;
    private PlatformCa ecCa;
    private PlatformCa rsaCa;
    private KeyPairGenerator jdkEc;

    @Setup
    public void setUp() throws Exception {
        SecureRandom random = new SecureRandom();
        issuer = new CertificateIssuer(Clock.systemUTC(), random);
        ecCa = issuer.createPlatformCa("Bench", KeyType.EC_P256, Duration.ofDays(3650));
        rsaCa = issuer.createPlatformCa("Bench", KeyType.RSA_3072, Duration.ofDays(3650));
        jdkEc = KeyPairGenerator.getInstance("EC");
        jdkEc.initialize(new ECGenParameterSpec("secp256r1"), random);
    }

    @Benchmark
    public IssuedChain ecP256TlsChainFromAnEcCa() {
        return issuer.issueTlsServer(ecCa, "print.acme.test", KeyType.EC_P256, Duration.ofDays(397));
    }

    @Benchmark
    public IssuedChain ecP256TlsChainFromTheDefaultRsa3072Ca() {
        return issuer.issueTlsServer(rsaCa, "print.acme.test", KeyType.EC_P256, Duration.ofDays(397));
    }

    @Benchmark
    public KeyPair jdkProviderEcP256KeyPairOnly() {
        return jdkEc.generateKeyPair();
    }
}
