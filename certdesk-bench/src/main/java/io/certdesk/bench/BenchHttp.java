package io.certdesk.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few HTTP calls the in-process scale benchmarks make to their node's API (a 2xx or an exception). */
final class BenchHttp {
    private BenchHttp() {}

    /** A client that trusts only the node's platform CA. */
    static HttpClient trusting(java.security.cert.X509Certificate root) throws java.security.GeneralSecurityException {
        return HttpClient.newBuilder()
                .sslContext(io.certdesk.pki.tls.TrustingContext.trustingOnly(java.util.List.of(root)))
                .build();
    }

    /** Signs the platform admin in at {@code base} (…/api/v1); returns the session token. */
    static String signIn(HttpClient http, String base, String password) throws Exception {
        return match(
                Pattern.compile("\"token\":\"([^\"]+)\""),
                send(
                        http,
                        "POST",
                        base + "/auth/login",
                        "{\"username\":\"admin\",\"password\":\"" + password + "\"}",
                        null));
    }

    static String send(HttpClient http, String method, String url, String json, String token) throws Exception {
        return body(
                http,
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json)),
                token);
    }

    static String get(HttpClient http, String url, String token) throws Exception {
        return body(http, HttpRequest.newBuilder(URI.create(url)).GET(), token);
    }

    private static String body(HttpClient http, HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** The first group of {@code pattern} in {@code body}. */
    static String match(Pattern pattern, String body) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("not found in " + body);
        }
        return m.group(1);
    }
}
