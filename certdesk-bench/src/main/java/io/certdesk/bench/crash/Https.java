package io.certdesk.bench.crash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.pki.tls.TrustingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** JSON over HTTPS to one node, trusting only the platform CA, as an outside client. */
public final class Https {
    public static final ObjectMapper JSON = new ObjectMapper();

    public record Answer(int status, JsonNode json, String text) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    private final HttpClient http;
    private final String base;
    private final String authorization;

    private Https(HttpClient http, String base, String authorization) {
        this.http = http;
        this.base = base;
        this.authorization = authorization;
    }

    public static Https to(int port, X509Certificate platformCa) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(TrustingContext.trustingOnly(List.of(platformCa)))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return new Https(http, "https://localhost:" + port, null);
    }

    public Https withBearer(String token) {
        return new Https(http, base, "Bearer " + token);
    }

    public Https signedIn(String username, String password) throws IOException, InterruptedException {
        Answer login = send(
                "POST",
                "/api/v1/auth/login",
                JSON.createObjectNode().put("username", username).put("password", password));
        if (login.status() != 200) {
            throw new IllegalStateException("sign-in failed: " + login.status() + " " + login.text());
        }
        return withBearer(login.json().path("token").asText());
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Answer send(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return answer(b);
    }

    public Answer form(String path, String form, String basicUser, String basicPassword)
            throws IOException, InterruptedException {
        String basic =
                Base64.getEncoder().encodeToString((basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8));
        return answer(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** A multipart/form-data upload: {@code file} and, when given, {@code password}. */
    public Answer upload(String path, byte[] file, String password) throws IOException, InterruptedException {
        String boundary = "crash" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        if (password != null) {
            body.writeBytes(
                    ("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n" + password)
                            .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return answer(request(path)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private Answer answer(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (IOException notJson) {
            json = JSON.nullNode();
        }
        return new Answer(r.statusCode(), json, r.body());
    }
}
