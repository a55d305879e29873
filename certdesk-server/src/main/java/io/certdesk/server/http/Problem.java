package io.certdesk.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem document: {@code type}, {@code title}, {@code status}, {@code detail}, the
 * stable {@code code}, the {@code requestId} to quote to an operator, and any extra members.
 */
final class Problem {
    static final String CONTENT_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://certdesk.io/problems/";

    private Problem() {}

    static Map<String, Object> of(
            String code, int status, String title, String detail, String requestId, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPE_BASE + code.replace('_', '-'));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        if (requestId != null) {
            body.put("requestId", requestId);
        }
        extra.forEach(body::putIfAbsent);
        return body;
    }
}
