package io.certdesk.bench;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.pki.seal.SealedKey;
import java.security.SecureRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/** Cost of sealing and opening a private key at rest (envelope AES-256-GCM), per key. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SealingBenchmark {
    private KeySealer sealer;
    private byte[] ecKey;
    private byte[] rsaKey;
    private SealedKey sealedEc;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        sealer = new KeySealer(MasterKey.generate(random), random);
        ecKey = KeyPairs.encodePkcs8Der(
                KeyPairs.generate(KeyType.EC_P256, random).getPrivate());
        rsaKey = KeyPairs.encodePkcs8Der(
                KeyPairs.generate(KeyType.RSA_2048, random).getPrivate());
        sealedEc = sealer.seal(ecKey, "bench");
    }

    @Benchmark
    public SealedKey sealEcP256() {
        return sealer.seal(ecKey, "bench");
    }

    @Benchmark
    public SealedKey sealRsa2048() {
        return sealer.seal(rsaKey, "bench");
    }

    @Benchmark
    public byte[] openEcP256() {
        return sealer.open(sealedEc, "bench");
    }
}
