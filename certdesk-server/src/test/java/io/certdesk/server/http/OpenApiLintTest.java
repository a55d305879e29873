package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.DebianTools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/api/openapi.yaml passes a real linter, so other tools can use it: Redocly CLI (from npm)
 * with its recommended rules (docs/api/redocly.yaml says which two are off, and why), no error
 * and no warning.
 */
class OpenApiLintTest {
    private static final Path LINTER = Path.of("target", "redocly").toAbsolutePath();
    private static final Path DOCS =
            Path.of("..", "docs", "api").toAbsolutePath().normalize();

    @BeforeAll
    static void installRedocly() throws IOException {
        DebianTools.require("node");
        DebianTools.require("npm");
        Files.createDirectories(LINTER);
        try (InputStream in = OpenApiLintTest.class.getResourceAsStream("/redocly/package.json")) {
            Files.copy(in, LINTER.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isRegularFile(LINTER.resolve("node_modules/.bin/redocly"))) {
            var install = DebianTools.run(
                    LINTER, Map.of(), 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
            assertThat(install.exit()).as(install.output()).isZero();
        }
    }

    @Test
    void theApiDescriptionLintsCleanWithRedoclysRecommendedRules() {
        var lint = DebianTools.run(
                LINTER,
                Map.of("REDOCLY_TELEMETRY", "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"),
                120,
                LINTER.resolve("node_modules/.bin/redocly").toString(),
                "lint",
                "--config",
                DOCS.resolve("redocly.yaml").toString(),
                "--format",
                "stylish",
                DOCS.resolve("openapi.yaml").toString());
        assertThat(lint.exit()).as(lint.output()).isZero();
        assertThat(lint.output())
                .as(lint.output())
                .doesNotContain(" error ")
                .doesNotContain(" warning ")
                .contains("is valid");
    }
}
