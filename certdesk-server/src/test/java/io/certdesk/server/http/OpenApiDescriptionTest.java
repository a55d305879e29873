package io.certdesk.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/api/openapi.yaml describes exactly the routes the server answers, with who may call each
 * (public, signed in, or also an access token with a scope, as the route table declares), and
 * every error code.
 */
class OpenApiDescriptionTest {
    private static final Path FILE = Path.of("..", "docs", "api", "openapi.yaml");
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):\\s*$");
    private static final Pattern METHOD = Pattern.compile("^    (get|put|post|delete|patch|head|options):\\s*$");
    private static final Pattern SECURITY = Pattern.compile("^      security: (.*)$");
    private static final Pattern TOKEN_SCOPE =
            Pattern.compile("^\\[\\{session: \\[\\]\\}, \\{accessToken: \\[([a-z:-]+)\\]\\}\\]$");

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
            if (code.fault() == io.certdesk.pki.PkiError.Fault.SERVER
                    || code == io.certdesk.pki.PkiError.INVALID_DOMAIN_NAME) {
                continue; // never sent: a 500, or reported as validation_failed
            }
            assertThat(text).as("openapi.yaml lists %s", code.code()).contains(code.code());
        }
    }

    /** Each operation with its security: the document's default (a session), {@code []} (public), or a session or an access token with one scope. */
    static Set<Route> describedRoutes(List<String> lines) {
        Set<Route> routes = new LinkedHashSet<>();
        String current = null;
        String method = null;
        boolean inPaths = false;
        boolean signIn = true;
        java.util.Optional<String> scope = java.util.Optional.empty();
        for (String line : lines) {
            if (line.equals("paths:")) {
                inPaths = true;
                continue;
            }
            if (!inPaths) {
                continue;
            }
            boolean endOfPaths = !line.isEmpty() && !line.startsWith(" ");
            Matcher path = PATH.matcher(line);
            Matcher operation = METHOD.matcher(line);
            if ((endOfPaths || path.matches() || operation.matches()) && method != null) {
                routes.add(new Route(method, current, signIn, scope));
                method = null;
            }
            if (endOfPaths) {
                break;
            }
            if (path.matches()) {
                current = path.group(1);
            } else if (current != null && operation.matches()) {
                method = operation.group(1).toUpperCase(java.util.Locale.ROOT);
                signIn = true;
                scope = java.util.Optional.empty();
            } else if (method != null) {
                Matcher security = SECURITY.matcher(line);
                if (security.matches()) {
                    String value = security.group(1).strip();
                    Matcher token = TOKEN_SCOPE.matcher(value);
                    if (value.equals("[]")) {
                        signIn = false;
                    } else if (token.matches()) {
                        scope = java.util.Optional.of(token.group(1));
                    } else {
                        throw new AssertionError("unexpected security for " + method + " " + current + ": " + value);
                    }
                }
            }
        }
        if (method != null) {
            routes.add(new Route(method, current, signIn, scope));
        }
        return routes;
    }
}
