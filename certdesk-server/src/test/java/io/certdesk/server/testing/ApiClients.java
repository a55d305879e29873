package io.certdesk.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** API clients and their tokens, obtained over HTTPS the way an external client does. */
public final class ApiClients {
    private ApiClients() {}

    /** A client's credentials, as the create answer shows them once. */
    public record Client(String account, String id, String secret) {
        /** RFC 6749 §2.3.1 HTTP Basic: id and secret form-URL-encoded, then base64. */
        public String basic() {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                                            + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Creates a client with {@code scopes} (null: the server's default scopes). */
    public static Client create(TestServer server, String account, List<String> scopes) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Print fleet");
        if (scopes != null) {
            body.put("scopes", scopes);
        }
        JsonNode created = server.admin()
                .post("/api/v1/accounts/" + account + "/api-clients", body)
                .assertStatus(201)
                .json();
        return new Client(
                account,
                created.path("clientId").asText(),
                created.path("clientSecret").asText());
    }

    /** The token endpoint's answer to a form sent with {@code authorization}. */
    public static Api.Response tokenResponse(TestServer server, String account, String authorization, String form) {
        return server.anonymous()
                .sendRawWithHeader(
                        "POST",
                        "/api/v1/accounts/" + account + "/oauth2/token",
                        form.getBytes(StandardCharsets.UTF_8),
                        "application/x-www-form-urlencoded",
                        authorization);
    }

    /** A fresh access token for the client (asserts 200). */
    public static String token(TestServer server, Client client) {
        return tokenResponse(server, client.account(), client.basic(), "grant_type=client_credentials")
                .assertStatus(200)
                .json()
                .path("access_token")
                .asText();
    }
}
