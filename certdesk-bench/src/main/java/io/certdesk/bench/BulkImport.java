package io.certdesk.bench;

import io.certdesk.bench.crash.NodeProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Bulk import over kept-alive HTTPS: a node of {@code certdesk.jar} (H2, then PostgreSQL) gets N
 * accounts with a domain each, then imports 2N PKCS#12 files (an EC P-256 and an RSA-2048 chain
 * per name, as {@link TlsEdgeSetup} writes them) from a pool of client threads. Prints imports per
 * second, their p50/p99, and the node's CPU per import (utime+stime from /proc over the imports).
 *
 * <p>Two sets of files: as {@code openssl pkcs12 -export} writes them (OpenSSL 3: PBES2 with
 * AES-256-CBC and 2,048 PBKDF2 iterations, a 2,048-iteration SHA-256 MAC), and as the JDK's
 * keystore writes them (10,000 iterations each). Each file costs three password derivations.
 *
 * <p>Usage: {@code BulkImport JAR NAMES THREADS [h2|postgres|both]}
 */
public final class BulkImport {
    private static final String PASSWORD = "bulk-import-password";

    private BulkImport() {}

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int names = Integer.parseInt(args[1]);
        System.setProperty("bench.threads", args[2]);
        String databases = args.length > 3 ? args[3] : "both";
        Path work = Files.createTempDirectory("bulk-import");
        TlsEdgeSetup.generate(work, names);
        exportWithOpenssl(work);
        for (String files : java.util.List.of("p12-openssl", "p12")) {
            System.setProperty("bench.p12", files);
            String kind =
                    files.equals("p12") ? "JDK keystore files (10,000 iterations)" : "OpenSSL files (2,048 iterations)";
            if (!databases.equals("postgres")) {
                run("H2, " + kind, jar, work, Optional.empty());
            }
            if (!databases.equals("h2")) {
                try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
                    run("PostgreSQL, " + kind, jar, work, Optional.of(postgres.getJdbcUrl("postgres", "postgres")));
                }
            }
        }
    }

    /** The same chains and keys as {@code openssl pkcs12 -export} writes them, in {@code p12-openssl}. */
    private static void exportWithOpenssl(Path work) throws Exception {
        Path out = Files.createDirectories(work.resolve("p12-openssl"));
        Path pem = work.resolve("pem");
        java.util.List<String> names = Files.readAllLines(work.resolve("names.txt")).stream()
                .filter(n -> !n.isBlank())
                .toList();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Runtime.getRuntime().availableProcessors());
        try {
            java.util.List<java.util.concurrent.Future<?>> tasks = new java.util.ArrayList<>();
            for (String name : names) {
                for (String kind : java.util.List.of("ec", "rsa")) {
                    tasks.add(pool.submit(() -> {
                        Process p = new ProcessBuilder(
                                        "openssl",
                                        "pkcs12",
                                        "-export",
                                        "-in",
                                        pem.resolve(name + "." + kind + ".crt").toString(),
                                        "-inkey",
                                        pem.resolve(name + "." + kind + ".key").toString(),
                                        "-out",
                                        out.resolve(name + "." + kind + ".p12").toString(),
                                        "-passout",
                                        "pass:" + new String(TlsEdgeSetup.PASSWORD))
                                .redirectErrorStream(true)
                                .start();
                        String output = new String(p.getInputStream().readAllBytes());
                        if (p.waitFor() != 0) {
                            throw new IllegalStateException("openssl pkcs12 -export failed: " + output);
                        }
                        return null;
                    }));
                }
            }
            for (var f : tasks) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(String label, Path jar, Path work, Optional<String> dbUrl) throws Exception {
        Path data = Files.createTempDirectory(work, "node");
        NodeProcess node = new NodeProcess(jar, data, dbUrl, Map.of("CERTDESK_ADMIN_PASSWORD", PASSWORD), data);
        int port = node.start();
        try {
            long hz = 100; // USER_HZ on Linux
            long[] before = new long[2];
            TlsEdgeSetup.Imports imports = TlsEdgeSetup.load(
                    work, "https://localhost:" + port, PASSWORD, data.resolve("platform-ca.pem"), () -> {
                        before[0] = cpuTicks(node.pid());
                        before[1] = systemTicks(node.pid());
                    });
            long ticks = cpuTicks(node.pid()) - before[0];
            long system = systemTicks(node.pid()) - before[1];
            System.out.printf(
                    "%s: %.0f imports/s, p50 %.1f ms, p99 %.1f ms, node CPU %.2f ms per import (%.1f s of CPU, %.0f %% of it in the kernel)%n",
                    label,
                    imports.perSecond(),
                    imports.p50Millis(),
                    imports.p99Millis(),
                    ticks * 1000.0 / hz / imports.chains(),
                    ticks / (double) hz,
                    100.0 * system / Math.max(1, ticks));
        } finally {
            node.kill();
        }
    }

    /** utime + stime of a process, in clock ticks. */
    static long cpuTicks(long pid) {
        return statField(pid, 11) + statField(pid, 12);
    }

    /** stime of a process, in clock ticks. */
    static long systemTicks(long pid) {
        return statField(pid, 12);
    }

    /** A field of /proc/PID/stat, counted from the one after the command's closing parenthesis. */
    private static long statField(long pid, int field) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[field]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
