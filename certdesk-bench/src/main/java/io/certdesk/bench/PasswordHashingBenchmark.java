package io.certdesk.bench;

import io.certdesk.server.users.PasswordHasher;
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

/** What one sign-in costs the server in CPU: an Argon2id verification at the production parameters. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PasswordHashingBenchmark {
    private PasswordHasher hasher;
    private String hash;

    @Setup
    public void setUp() {
        hasher = new PasswordHasher(new SecureRandom());
        hash = hasher.hash("a-benchmark-password");
    }

    @Benchmark
    public boolean verify() {
        return hasher.verify("a-benchmark-password", hash);
    }
}
