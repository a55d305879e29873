package io.certdesk.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real peers from Debian (openssl, curl, …): a test skips without them, except under CI=true, where it fails. */
public final class DebianTools {
    private DebianTools() {}

    public static void require(String binary) {
        boolean present = List.of("/usr/bin/", "/usr/sbin/", "/bin/").stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir + binary)));
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present)
                    .as(binary + " is installed (CI=true: .ci/run must install it)")
                    .isTrue();
        }
        Assumptions.assumeTrue(present, binary + " is not installed");
    }

    /** Runs a command; returns its exit code and combined output. */
    public record Run(int exit, String output) {}

    public static Run run(Path workDir, String... command) {
        return run(workDir, java.util.Map.of(), 60, command);
    }

    /** Runs a command with extra environment variables, for at most {@code timeoutSeconds}. */
    public static Run run(
            Path workDir, java.util.Map<String, String> environment, int timeoutSeconds, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(environment);
            Process p = builder.start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
