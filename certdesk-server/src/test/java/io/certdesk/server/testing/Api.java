package io.certdesk.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.pki.tls.TrustingContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** An HTTPS client of the API as an outside program sees it: JSON over TLS, trusting only the platform CA. */
public final class Api {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final int port;
    private final X509Certificate trusted;
    private final String token;
    private final HttpClient http;

    public Api(int port, X509Certificate trusted, String token) {
        this.port = port;
        this.trusted = trusted;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .sslContext(trusting(trusted))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A response: status, headers and the body parsed as JSON (or a JSON string of the text when it is not JSON). */
    public record Response(int status, HttpResponse<byte[]> raw, JsonNode json) {
        public String code() {
            return json.path("code").asText(null);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String text() {
            return new String(raw.body(), java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Asserts this is an RFC 9457 problem with the given status and code, and returns it. */
        public Response assertProblem(int expectedStatus, String expectedCode) {
            assertThat(status).as("status of %s", text()).isEqualTo(expectedStatus);
            assertThat(header("Content-Type")).startsWith("application/problem+json");
            assertThat(json.path("code").asText()).isEqualTo(expectedCode);
            assertThat(json.path("status").asInt()).isEqualTo(expectedStatus);
            assertThat(json.path("type").asText()).isNotBlank();
            assertThat(json.path("title").asText()).isNotBlank();
            assertThat(json.path("detail").asText()).isNotBlank();
            return this;
        }

        public Response assertStatus(int expected) {
            assertThat(status).as("status of %s", text()).isEqualTo(expected);
            return this;
        }

        /** The id of the first thing an import answered 201 for ({@code imported[0].id}). */
        public String firstImportedId() {
            assertStatus(201);
            return json.path("imported").get(0).path("id").asText();
        }
    }

    public Api login(String username, String password) {
        Response r = post("/api/v1/auth/login", Map.of("username", username, "password", password))
                .assertStatus(200);
        return new Api(port, trusted, r.json().path("token").asText());
    }

    public String token() {
        return token;
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response send(String method, String path, Object body) {
        try {
            return sendRaw(method, path, body == null ? null : MAPPER.writeValueAsBytes(body), "application/json");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Response sendRaw(String method, String path, byte[] body, String contentType) {
        return sendRawWithHeader(method, path, body, contentType, token == null ? null : "Bearer " + token);
    }

    /** Sends without a body, with the session's token and these extra headers. */
    public Response sendWithHeaders(String method, String path, Map<String, String> headers) {
        HttpRequest.Builder b = request(path, token == null ? null : "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return exchange(b);
    }

    /** Sends with this {@code Authorization} header (or none when null) instead of the session's. */
    public Response sendRawWithHeader(
            String method, String path, byte[] body, String contentType, String authorization) {
        HttpRequest.Builder b = request(path, authorization);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return exchange(b);
    }

    private HttpRequest.Builder request(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    /** The answer, its body read as JSON (or a JSON string of the text when it is not JSON). */
    private Response exchange(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json;
            try {
                json = r.body().length == 0 ? MAPPER.nullNode() : MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                json = MAPPER.getNodeFactory().textNode(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return new Response(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs a multipart/form-data request: one file part named {@code field}, plus text fields. */
    public Response upload(String path, String field, String filename, byte[] content, Map<String, String> fields) {
        String boundary = "certdesk-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset ascii = java.nio.charset.StandardCharsets.US_ASCII;
        fields.forEach((name, value) -> body.writeBytes(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                        + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(ascii));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(ascii));
        return sendRaw("POST", path, body.toByteArray(), "multipart/form-data; boundary=" + boundary);
    }

    public Response upload(String path, String filename, byte[] content) {
        return upload(path, "file", filename, content, Map.of());
    }

    // ---- conveniences for setting up scenarios ----

    /** Every account the caller may see, walking the list's pages of {@code pageSize} in order. */
    public List<JsonNode> allAccounts(int pageSize) {
        List<JsonNode> all = new java.util.ArrayList<>();
        String next = null;
        do {
            JsonNode page = get("/api/v1/accounts?limit=" + pageSize + (next == null ? "" : "&after=" + next))
                    .assertStatus(200)
                    .json();
            page.path("accounts").forEach(all::add);
            next = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (next != null);
        return all;
    }

    public String createVendor(String name) {
        return post("/api/v1/accounts", Map.of("name", name, "type", "VENDOR"))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
    }

    public String createCustomer(String name, String vendorId) {
        return post("/api/v1/accounts", Map.of("name", name, "type", "CUSTOMER", "parentId", vendorId))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
    }

    public void setDomains(String accountId, String... names) {
        put("/api/v1/accounts/" + accountId + "/domains", Map.of("domains", List.of(names)))
                .assertStatus(200);
    }

    /** Binds {@code domain} to {@code chainId} in the account's PKI settings, keeping its signing chain; the answer as it is. */
    public Response bindTls(String accountId, String domain, String chainId) {
        String signing = get("/api/v1/accounts/" + accountId + "/pki-settings")
                .assertStatus(200)
                .json()
                .path("signingChainId")
                .asText();
        return put(
                "/api/v1/accounts/" + accountId + "/pki-settings",
                Map.of("signingChainId", signing, "tlsBindings", Map.of(domain, chainId)));
    }

    /** Has the platform CA issue a TLS_SERVER chain for one of the account's domains ({@code options}: keyType, validityDays); its id. */
    public String generateTlsChain(String accountId, String domain, Map<String, Object> options) {
        Map<String, Object> body = new java.util.HashMap<>(options);
        body.put("purpose", "TLS_SERVER");
        body.put("domain", domain);
        return post("/api/v1/accounts/" + accountId + "/private-chains/generate", body)
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
    }

    /** A chain's certificates as its chain.pem gives them, leaf first. */
    public List<X509Certificate> chainCertificates(String accountId, String chainId) {
        byte[] pem = get("/api/v1/accounts/" + accountId + "/private-chains/" + chainId + "/chain.pem")
                .assertStatus(200)
                .raw()
                .body();
        try {
            return java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(pem))
                    .stream()
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    public void createUser(String accountId, String username, String password) {
        post("/api/v1/accounts/" + accountId + "/users", Map.of("username", username, "password", password))
                .assertStatus(201);
    }

    static SSLContext trusting(X509Certificate ca) {
        try {
            return TrustingContext.trustingOnly(List.of(ca));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
