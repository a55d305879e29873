package io.certdesk.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Verifies received webhook deliveries with the Standard Webhooks reference library (the npm
 * package {@code standardwebhooks}, installed from the registry and run by the machine's Node.js).
 */
public final class WebhookVerifier {
    private static final Path DIR = Path.of("target", "webhook-verifier").toAbsolutePath();

    private WebhookVerifier() {}

    private static synchronized void install() throws IOException {
        DebianTools.require("node");
        DebianTools.require("npm");
        Files.createDirectories(DIR);
        for (String file : List.of("package.json", "verify.mjs")) {
            try (InputStream in = WebhookVerifier.class.getResourceAsStream("/webhook-verifier/" + file)) {
                Files.copy(in, DIR.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/standardwebhooks"))) {
            var install = DebianTools.run(
                    DIR, Map.of(), 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
            assertThat(install.exit()).as(install.output()).isZero();
        }
    }

    /** One line per delivery: {@code ok TYPE ID} or {@code refused WHY}, the verifier's clock reading {@code now}. */
    public static List<String> verify(String secret, List<WebhookReceiver.Received> deliveries, Instant now)
            throws IOException {
        install();
        List<String> command = new ArrayList<>(List.of("node", "verify.mjs", secret));
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < deliveries.size(); i++) {
            Path file = Files.createTempFile(DIR, "delivery-", ".json");
            json.writeValue(
                    file.toFile(),
                    Map.of(
                            "headers",
                            deliveries.get(i).headers(),
                            "body",
                            deliveries.get(i).body()));
            command.add(file.toString());
        }
        var run = DebianTools.run(
                DIR, Map.of("NOW", Long.toString(now.getEpochSecond())), 60, command.toArray(new String[0]));
        return run.output().lines().toList();
    }
}
