package io.certdesk.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.pki.tls.TrustingContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/** A small HTTPS client for the Certdesk API: JSON in and out, problems turned into readable errors. */
final class ServerApi {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http;
    private final String server;
    private final Optional<String> token;

    ServerApi(String server, Optional<String> caPem, Optional<String> token) {
        this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        this.token = token;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        caPem.ifPresent(pem -> builder.sslContext(trusting(pem)));
        this.http = builder.build();
    }

    static ServerApi fromSaved(CliConfig.Saved saved) {
        return new ServerApi(saved.server(), Optional.ofNullable(saved.caPem()), Optional.ofNullable(saved.token()));
    }

    JsonNode send(String method, String path, Object body) {
        try {
            return exchange(method, path, body == null ? null : MAPPER.writeValueAsBytes(body), "application/json");
        } catch (JsonProcessingException e) {
            throw CliFailure.refused("The request cannot be written as JSON: " + e.getMessage());
        }
    }

    /** POSTs a file (multipart/form-data, field {@code file}) with text fields beside it. */
    JsonNode upload(String path, String fileName, byte[] content, Map<String, String> fields) {
        String boundary = "certdesk-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        fields.forEach((name, value) -> body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(StandardCharsets.UTF_8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + fileName.replaceAll("[\"\\\\\r\n]", "_")
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return exchange("POST", path, body.toByteArray(), "multipart/form-data; boundary=" + boundary);
    }

    /** POSTs an {@code application/x-www-form-urlencoded} form with its own Authorization header (the token endpoint). */
    JsonNode form(String path, Map<String, String> fields, String authorization) {
        StringBuilder body = new StringBuilder();
        fields.forEach((name, value) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return exchange(
                "POST",
                path,
                body.toString().getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded",
                authorization);
    }

    /** The server this client talks to, without a trailing slash. */
    String server() {
        return server;
    }

    /** The body as text (for PEM downloads). */
    String text(String path) {
        return new String(exchangeBytes("GET", path, null, null, null), StandardCharsets.UTF_8);
    }

    /** The body as it came (a backup), for an empty POST. */
    byte[] postForBytes(String path) {
        return exchangeBytes("POST", path, null, null, null);
    }

    private JsonNode exchange(String method, String path, byte[] body, String contentType) {
        return exchange(method, path, body, contentType, null);
    }

    private JsonNode exchange(String method, String path, byte[] body, String contentType, String authorization) {
        String text = exchangeRaw(method, path, body, contentType, authorization);
        try {
            return text.isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(text);
        } catch (IOException e) {
            throw CliFailure.refused("The server answered something that is not JSON.");
        }
    }

    private String exchangeRaw(String method, String path, byte[] body, String contentType, String authorization) {
        return new String(exchangeBytes(method, path, body, contentType, authorization), StandardCharsets.UTF_8);
    }

    private byte[] exchangeBytes(String method, String path, byte[] body, String contentType, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server + path))
                .timeout(Duration.ofMinutes(10))
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        } else {
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        }
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", contentType)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            String text = new String(response.body(), StandardCharsets.UTF_8);
            if (response.statusCode() >= 400) {
                JsonNode problem;
                try {
                    problem = MAPPER.readTree(text);
                } catch (IOException notJson) {
                    problem = MAPPER.nullNode();
                }
                // an RFC 9457 problem, or an RFC 6749 error from the token endpoint
                String detail = problem.path("detail")
                        .asText(problem.path("error_description").asText(text));
                String code = problem.path("code").asText(problem.path("error").asText("error"));
                throw CliFailure.refused(detail + " (" + response.statusCode() + " " + code + ")");
            }
            return response.body();
        } catch (SSLHandshakeException e) {
            throw CliFailure.refused("The server's certificate is not trusted: pass --cacert with the platform CA ("
                    + e.getMessage() + ").");
        } catch (ConnectException e) {
            throw CliFailure.refused("Cannot connect to " + server + ": is the server running?");
        } catch (IOException e) {
            throw CliFailure.refused("Talking to " + server + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.refused("Interrupted.");
        }
    }

    private static SSLContext trusting(String pem) {
        try {
            List<X509Certificate> anchors = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                anchors.add((X509Certificate) c);
            }
            return TrustingContext.trustingOnly(anchors);
        } catch (GeneralSecurityException e) {
            throw CliFailure.refused("The CA file does not hold a readable PEM certificate: " + e.getMessage());
        }
    }
}
