package io.certdesk.bench;

import io.certdesk.pki.imports.PrivateChainImport;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A PKCS#12 import with all its checks against the JDK's bare {@code KeyStore.load} of the same
 * file (the files OpenSSL 3 writes by default and with -legacy).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class Pkcs12ImportBenchmark {
    private static final char[] PASSWORD = "interop-pass".toCharArray();
    private static final Instant NOW = Instant.parse("2027-01-01T00:00:00Z");

    @Param({"openssl3-default.p12", "openssl3-legacy.p12"})
    public String file;

    private byte[] bytes;

    @Setup
    public void setUp() throws Exception {
        try (InputStream in = Pkcs12ImportBenchmark.class.getResourceAsStream("/interop/" + file)) {
            bytes = in.readAllBytes();
        }
    }

    @Benchmark
    public PrivateChainImport.Result certdeskImportWithAllChecks() {
        return PrivateChainImport.evaluate(
                bytes, PASSWORD.clone(), Set.of("print.interop.test"), List.<X509Certificate>of(), NOW);
    }

    @Benchmark
    public KeyStore jdkKeyStoreLoadOnly() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(bytes), PASSWORD);
        return store;
    }

    @Benchmark
    public Object jdkKeyStoreLoadAndGetKey() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(bytes), PASSWORD);
        return store.getKey("server", PASSWORD);
    }
}
