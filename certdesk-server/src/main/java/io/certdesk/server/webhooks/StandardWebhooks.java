package io.certdesk.server.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing as the Standard Webhooks specification says: the secret is {@code whsec_} and the
 * base64 of its key; the signature is HMAC-SHA256 over {@code id.timestamp.body}, sent as
 * {@code v1,} and its base64 in {@code webhook-signature}, beside {@code webhook-id} and
 * {@code webhook-timestamp} (seconds since the epoch). Pure.
 */
public final class StandardWebhooks {
    public static final String SECRET_PREFIX = "whsec_";

    private StandardWebhooks() {}

    public static String secretText(byte[] key) {
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The three headers of a delivery of {@code body} with this message id, at this second. */
    public static Map<String, String> headers(byte[] key, String messageId, long timestampSeconds, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", messageId);
        headers.put("webhook-timestamp", Long.toString(timestampSeconds));
        headers.put("webhook-signature", "v1," + signature(key, messageId, timestampSeconds, body));
        return headers;
    }

    static String signature(byte[] key, String messageId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
