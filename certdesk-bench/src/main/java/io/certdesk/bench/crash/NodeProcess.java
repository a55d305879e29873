package io.certdesk.bench.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Certdesk node as an operator runs it: {@code java -jar certdesk.jar serve} in its own
 * process, on 127.0.0.1 with free ports, killed with SIGKILL ({@link #kill}) as a crash would.
 */
public final class NodeProcess {
    private static final Pattern SERVING = Pattern.compile("Certdesk is serving https://[^:]+:(\\d+)/");

    private final Path jar;
    private final Path dataDir;
    private final Optional<String> dbUrl;
    private final Map<String, String> env;
    private final Path logDir;
    private final List<String> extraArgs;
    private Process process;
    private int port;
    private int starts;

    public NodeProcess(Path jar, Path dataDir, Optional<String> dbUrl, Map<String, String> env, Path logDir) {
        this(jar, dataDir, dbUrl, env, logDir, List.of());
    }

    /** A node started with {@code extraArgs} after the harness's own options of {@code serve}. */
    public NodeProcess(
            Path jar,
            Path dataDir,
            Optional<String> dbUrl,
            Map<String, String> env,
            Path logDir,
            List<String> extraArgs) {
        this.extraArgs = List.copyOf(extraArgs);
        this.jar = jar;
        this.dataDir = dataDir;
        this.dbUrl = dbUrl;
        this.env = env;
        this.logDir = logDir;
        this.port = freePort();
    }

    /** One port for every start: tokens name the node's address as their issuer, so a restart keeps it. */
    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the node and waits until it says where it serves; returns the HTTPS port. */
    public int start() throws IOException, InterruptedException {
        starts++;
        Path out = logDir.resolve("node-" + starts + ".out");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-DontCompileHugeMethods",
                "-Xmx" + System.getProperty("bench.node.heap", "512m")));
        // more JVM options for the node, such as a flight recording: -Dbench.node.jvm="-XX:StartFlightRecording=..."
        for (String option : System.getProperty("bench.node.jvm", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                command.add(option);
            }
        }
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "serve",
                "--https-port",
                String.valueOf(port),
                "--ipps-port",
                "0",
                "--http-port",
                "0",
                // several nodes share the machine: no fixed EST port (8444 by default) for them to contend for
                "--est-port",
                "0",
                "--bind",
                "127.0.0.1",
                "--data",
                dataDir.toString(),
                "--ca-key-type",
                "EC_P256",
                "--outbound-allow",
                "127.0.0.0/8")); // the harness's webhook receiver
        dbUrl.ifPresent(url -> command.addAll(List.of("--db-url", url, "--db-user", "postgres")));
        command.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(logDir.resolve("node-" + starts + ".err").toFile());
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the node exited with " + process.exitValue() + " before serving; see " + out);
            }
            Matcher m = SERVING.matcher(Files.readString(out));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the node did not start within 60 s; see " + out);
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown hook, no flush, no closing of the database. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the node did not die within 30 s of SIGKILL");
            }
        }
    }

    /** The running process's id (for jcmd). */
    public long pid() {
        return process.pid();
    }

    public Path dataDir() {
        return dataDir;
    }
}
