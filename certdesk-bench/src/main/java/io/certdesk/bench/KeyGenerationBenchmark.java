package io.certdesk.bench;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Key generation by type: what a new platform CA (two keys) and each issued chain cost. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 20)
@Fork(1)
public class KeyGenerationBenchmark {
    @Param({"EC_P256", "EC_P384", "RSA_2048", "RSA_3072"})
    public KeyType type;

    private final SecureRandom random = new SecureRandom();

    @Benchmark
    public KeyPair generate() {
        return KeyPairs.generate(type, random);
    }
}
