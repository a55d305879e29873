package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;

/** docs/api/openapi.yaml describes exactly the routes the server answers, and every error code. */
class OpenApiDescriptionTest {
    private static final Path FILE = Path.of("..", "docs", "api", "openapi.yaml");
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");

    @Test
    void everyRouteTheServerAnswersIsDescribedAndNothingElse() throws Exception {
        Set<Route> described = describedRoutes(Files.readAllLines(FILE));
        try (TestServer server = TestServer.start(TestDatabase.H2)) {
            Set<Route> served = new LinkedHashSet<>(server.server().routes());
            assertThat(described).as("routes in openapi.yaml").containsExactlyInAnyOrderElementsOf(served);
        }
    }

    @Test
    void everyErrorCodeIsListedInTheProblemSchema() throws Exception {
        String text = Files.readString(FILE);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(text).as("openapi.yaml lists %s", code.code()).contains(code.code());
        }
        for (io.certdesk.pki.PkiError code : io.certdesk.pki.PkiError.values()) {
            if (ApiServer.INTERNAL_PKI_ERRORS.contains(code) || code == io.certdesk.pki.PkiError.INVALID_DOMAIN_NAME) {
                continue; // never sent: a 500, or reported as validation_failed
            }
            assertThat(text).as("openapi.yaml lists %s", code.code()).contains(code.code());
        }
    }

    static Set<Route> describedRoutes(List<String> lines) {
        Set<Route> routes = new LinkedHashSet<>();
        String current = null;
        boolean inPaths = false;
        for (String line : lines) {
            if (line.equals("paths:")) {
                inPaths = true;
                continue;
            }
            if (inPaths && !line.isEmpty() && !line.startsWith(" ")) {
                break;
            }
            Matcher path = PATH.matcher(line);
            if (inPaths && path.matches()) {
                current = path.group(1);
                continue;
            }
            Matcher method = METHOD.matcher(line);
            if (inPaths && current != null && method.matches()) {
                routes.add(new Route(method.group(1).toUpperCase(java.util.Locale.ROOT), current));
            }
        }
        return routes;
    }
}
