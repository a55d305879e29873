package io.certdesk.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** Connection checks through the API, as an admin sends them. */
public final class Checks {
    private Checks() {}

    /** A check of 127.0.0.1:{@code port} over {@code protocol}; add {@code bindDn} and friends to it. */
    public static Map<String, Object> target(String protocol, int port) {
        Map<String, Object> body = new HashMap<>();
        body.put("host", "127.0.0.1");
        body.put("port", port);
        body.put("protocol", protocol);
        return body;
    }

    /** The check's answer (200). */
    public static JsonNode check(TestServer server, String account, Map<String, Object> body) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/trust/check", body)
                .assertStatus(200)
                .json();
    }
}
