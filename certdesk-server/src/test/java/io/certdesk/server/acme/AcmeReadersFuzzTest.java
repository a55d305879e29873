package io.certdesk.server.acme;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The ACME request reader either reads a body or refuses it with an {@link AcmeException} (an
 * {@code urn:ietf:params:acme:error:*} problem): no other exception escapes, nothing hangs. It
 * goes as far as a request goes before the database: the flattened JWS, its header rules, the
 * payload's JSON, the signature with the key it carries, a key change's inner JWS and an external
 * account binding. The seeds are made by {@link AcmeFuzzSeeds}; docs/fuzzing.md says how to fuzz.
 */
class AcmeReadersFuzzTest {
    private static final String NEW_ACCOUNT = "https://acme.example.test/acme/a1/new-account";
    private static final byte[] EAB_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "60s")
    void anAcmeRequestBodyIsReadOrRefusedWithAnAcmeError(byte[] body) {
        try {
            AcmeJws.Parsed parsed = AcmeJws.parse(body);
            JsonNode payload = parsed.json();
            if (parsed.jwk().isPresent()) {
                JWK key = parsed.jwk().get();
                AcmeJws.verify(parsed, key, Optional.empty());
                AcmeJws.thumbprint(key);
                if (payload.has("externalAccountBinding")) {
                    AcmeJws.Binding binding =
                            AcmeJws.readBinding(payload.get("externalAccountBinding"), NEW_ACCOUNT, key);
                    AcmeJws.macVerifies(binding, EAB_KEY);
                }
            }
            if (payload.has("protected")) { // a key change carries a JWS in its payload
                AcmeJws.Parsed inner = AcmeJws.parse(parsed.payload());
                inner.json();
                if (inner.jwk().isPresent()) {
                    AcmeJws.verify(inner, inner.jwk().get(), Optional.empty());
                }
            }
        } catch (AcmeException expected) {
            // an ACME problem is the only acceptable refusal
        }
    }
}
