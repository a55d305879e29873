package io.certdesk.server.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.certdesk.server.testing.ApiClients;
import io.certdesk.server.testing.Jwks;
import io.certdesk.server.testing.OnBothDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tokens requested while the signing chain changes: each one verifies against the keys published when it was issued. */
class TokenConcurrencyTest extends OnBothDatabases {
    private static final int THREADS = 8;
    private static final int CHANGES = 20;

    @Test
    void eightClientsRequestingTokensWhileTheSigningChainChangesTwentyTimesAllGetTokensThatVerify() throws Exception {
        String account = server.admin().createVendor("Busy signing");
        String base = "/api/v1/accounts/" + account;
        List<String> chains = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            chains.add(server.admin()
                    .post(
                            base + "/private-chains/generate",
                            Map.of("purpose", "TOKEN_SIGNING", "keyType", i % 2 == 0 ? "EC_P256" : "RSA_2048"))
                    .assertStatus(201)
                    .json()
                    .path("id")
                    .asText());
        }
        var client = ApiClients.create(server, account, null);
        AtomicBoolean changing = new AtomicBoolean(true);
        AtomicInteger issued = new AtomicInteger();
        Set<String> kids = ConcurrentHashMap.newKeySet();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                while (changing.get() || issued.get() < THREADS * 4) {
                    try {
                        var answer = ApiClients.tokenResponse(
                                server, account, client.basic(), "grant_type=client_credentials");
                        if (answer.status() != 200) {
                            failures.add("token endpoint answered " + answer.status() + ": " + answer.text());
                            continue;
                        }
                        String token = answer.json().path("access_token").asText();
                        if (!Jwks.verifies(Jwks.fetch(server, account), token)) {
                            failures.add("a token signed by "
                                    + SignedJWT.parse(token).getHeader().getKeyID()
                                    + " does not verify against the JWKS");
                        }
                        kids.add(SignedJWT.parse(token).getHeader().getKeyID());
                        issued.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
                return null;
            }));
        }
        try {
            for (String chain : chains) {
                server.admin()
                        .put(base + "/pki-settings", Map.of("signingChainId", chain, "tlsBindings", Map.of()))
                        .assertStatus(200);
                Thread.sleep(25);
            }
        } finally {
            changing.set(false);
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }

        assertThat(failures).isEmpty();
        assertThat(issued.get()).isGreaterThanOrEqualTo(THREADS * 4);
        assertThat(kids)
                .as("tokens were issued by many of the chains as they changed")
                .hasSizeGreaterThanOrEqualTo(5);
        // Every replaced key is still published (passive), so every token issued above still verifies.
        assertThat(Jwks.fetch(server, account).getKeys()).hasSizeGreaterThanOrEqualTo(CHANGES);
    }
}
