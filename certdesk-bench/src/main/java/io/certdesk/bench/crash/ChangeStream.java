package io.certdesk.bench.crash;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The changes a platform makes all day, on one account, from a few threads at once, each written
 * into the {@link Ledger} only when the node answered it 2xx: new domains, a chain generated for
 * each and bound to it (one thread, in that order); trusted CAs and PKCS#12 chains imported and
 * some chains deleted; API clients created and tokens issued; chains generated and revoked, and
 * devices' certificate requests signed and revoked by serial. Runs until {@link #stop} or until
 * the node dies under it.
 */
final class ChangeStream {
    static final String BASE_DOMAIN = "crash.test";
    static final String IMPORT_NAME = "imp.crash.test";
    private static final String P12_PASSWORD = "crash-import";
    private static final int CLIENTS = 5;

    private final Https api;
    private final String account;
    private final Ledger ledger;
    private volatile boolean stopped;
    private final List<Thread> threads = new ArrayList<>();

    private final io.certdesk.bench.AcmeLoad.AcmeClient acme;

    /** {@code acme}: an ACME client with its account made, or null for no ACME issuance. */
    ChangeStream(Https api, String account, Ledger ledger, io.certdesk.bench.AcmeLoad.AcmeClient acme) {
        this.api = api;
        this.account = account;
        this.ledger = ledger;
        this.acme = acme;
    }

    void start() {
        threads.add(new Thread(() -> loop(this::nameGenerateBind), "names"));
        threads.add(new Thread(() -> loop(this::importOrDelete), "imports"));
        threads.add(new Thread(() -> loop(this::clientAndToken), "tokens"));
        threads.add(new Thread(() -> loop(this::revocation), "revocations"));
        if (acme != null) {
            threads.add(new Thread(() -> loop(this::acmeIssuance), "acme"));
        }
        threads.forEach(Thread::start);
    }

    void stop() throws InterruptedException {
        stopped = true;
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60).toMillis());
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private void loop(Step step) {
        while (!stopped) {
            try {
                step.run();
            } catch (IOException | IllegalStateException dead) {
                // the node died under the request: its outcome is unknown, and that is allowed
                if (!(dead instanceof HttpTimeoutException)) {
                    ledger.unanswered.incrementAndGet();
                    return;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private String path(String rest) {
        return "/api/v1/accounts/" + account + rest;
    }

    /** A new domain, then a chain generated for it, then the binding of the one to the other. */
    private void nameGenerateBind() throws Exception {
        String name = "n" + ledger.nextName.incrementAndGet() + "." + BASE_DOMAIN;
        ledger.domainsSent.add(name);
        ObjectNode domains = Https.JSON.createObjectNode();
        ArrayNode list = domains.putArray("domains");
        new TreeSet<>(ledger.domainsSent).forEach(list::add);
        list.add(BASE_DOMAIN).add(IMPORT_NAME);
        if (!expect(api.send("PUT", path("/domains"), domains), 200)) {
            return;
        }
        ledger.domains.add(name);
        ledger.ack();

        ObjectNode generate = Https.JSON
                .createObjectNode()
                .put("purpose", "TLS_SERVER")
                .put("domain", name)
                .put("keyType", "EC_P256");
        Https.Answer chain = api.send("POST", path("/private-chains/generate"), generate);
        if (!expect(chain, 201)) {
            return;
        }
        String chainId = chain.json().path("id").asText();
        ledger.chains.put(
                chainId, new Ledger.Chain(chainId, chain.json().path("sha256").asText(), "GENERATED"));
        ledger.ack();

        Https.Answer settings = api.get(path("/pki-settings"));
        if (!expect(settings, 200)) {
            return;
        }
        ObjectNode change = Https.JSON.createObjectNode();
        change.set("signingChainId", settings.json().path("signingChainId"));
        change.set("tokenLifetimeSeconds", settings.json().path("tokenLifetimeSeconds"));
        ObjectNode bindings = change.putObject("tlsBindings");
        ledger.bindings.forEach(bindings::put);
        bindings.put(name, chainId);
        if (!expect(api.send("PUT", path("/pki-settings"), change), 200)) {
            return;
        }
        ledger.bindings.put(name, chainId);
        ledger.ack();
    }

    /** A trusted CA, or a PKCS#12 chain for the import name, or the deletion of an imported chain. */
    private void importOrDelete() throws Exception {
        int choice = ThreadLocalRandom.current().nextInt(5);
        Instant now = Instant.now();
        if (choice < 2) {
            var ca = TestCa.certificate("O=Crash,CN=Crash CA " + System.nanoTime())
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                    .build();
            Https.Answer imported =
                    api.upload(path("/trusted-cas"), Pem.bytes(Pem.certificate(ca.certificate())), null);
            if (expect(imported, 201)) {
                var row = imported.json().path("imported").get(0);
                ledger.trustedCas.put(
                        row.path("id").asText(), row.path("sha256").asText());
                ledger.ack();
            }
        } else if (choice < 4) {
            var root = TestCa.certificate("O=Crash,CN=Crash Import Root " + System.nanoTime())
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                    .build();
            var leaf = TestCa.certificate("CN=" + IMPORT_NAME)
                    .issuedBy(root)
                    .endEntity()
                    .dns(IMPORT_NAME)
                    .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                    .build();
            byte[] p12 = Pkcs12Files.jdk(
                    leaf.key(),
                    List.of(leaf.certificate(), root.certificate()),
                    P12_PASSWORD.toCharArray(),
                    P12_PASSWORD.toCharArray());
            Https.Answer imported = api.upload(path("/private-chains/import"), p12, P12_PASSWORD);
            if (expect(imported, 201)) {
                var row = imported.json().path("imported").get(0);
                ledger.chains.put(
                        row.path("id").asText(),
                        new Ledger.Chain(
                                row.path("id").asText(), row.path("sha256").asText(), "IMPORTED"));
                ledger.ack();
            }
        } else {
            var victim = ledger.chains.values().stream()
                    .filter(c -> c.origin().equals("IMPORTED") && !ledger.deletionsSent.contains(c.id()))
                    .findAny();
            if (victim.isPresent()) {
                ledger.deletionsSent.add(victim.get().id());
                Https.Answer deleted = api.send(
                        "DELETE", path("/private-chains/" + victim.get().id()), null);
                if (expect(deleted, 204)) {
                    ledger.deletedChains.add(victim.get().id());
                    ledger.ack();
                }
            }
        }
    }

    /** An API client (up to a few), then a token of the client-credentials grant for one of them. */
    private void clientAndToken() throws Exception {
        if (ledger.clients.size() < CLIENTS) {
            Https.Answer client = api.send(
                    "POST",
                    path("/api-clients"),
                    Https.JSON.createObjectNode().put("name", "crash " + System.nanoTime()));
            if (!expect(client, 201)) {
                return;
            }
            ledger.clients.put(
                    client.json().path("clientId").asText(),
                    client.json().path("clientSecret").asText());
            ledger.ack();
        }
        var ids = List.copyOf(ledger.clients.keySet());
        String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
        Https.Answer token =
                api.form(path("/oauth2/token"), "grant_type=client_credentials", id, ledger.clients.get(id));
        if (expect(token, 200)) {
            ledger.tokens.add(
                    new Ledger.Token(id, token.json().path("access_token").asText(), Instant.now()));
            ledger.ack();
        }
    }

    private static final ObjectNode KEY_COMPROMISE =
            Https.JSON.createObjectNode().put("reason", "keyCompromise");

    /**
     * A chain generated for the base name (bound to nothing) and then revoked; or a device's
     * certificate request signed and then revoked by its serial.
     */
    private void revocation() throws Exception {
        if (ThreadLocalRandom.current().nextBoolean()) {
            Https.Answer chain = api.send(
                    "POST",
                    path("/private-chains/generate"),
                    Https.JSON.createObjectNode().put("purpose", "TLS_SERVER").put("domain", BASE_DOMAIN));
            if (!expect(chain, 201)) {
                return;
            }
            String id = chain.json().path("id").asText();
            ledger.chains.put(
                    id, new Ledger.Chain(id, chain.json().path("sha256").asText(), "GENERATED"));
            ledger.ack();
            if (expect(api.send("POST", path("/private-chains/" + id + "/revoke"), KEY_COMPROMISE), 200)) {
                ledger.revokedChains.add(id);
                ledger.ack();
            }
            return;
        }
        var device = io.certdesk.pki.keys.KeyPairs.generate(
                io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom());
        String csr = io.certdesk.pki.request.Pkcs10.writePem(io.certdesk.pki.request.Pkcs10.build(
                device, io.certdesk.pki.keys.KeyType.EC_P256, List.of(BASE_DOMAIN)));
        Https.Answer signed = api.send(
                "POST",
                path("/certificates/sign"),
                Https.JSON.createObjectNode().put("csr", csr));
        if (!expect(signed, 201)) {
            return;
        }
        String serial = ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(
                                signed.text().getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
                .getSerialNumber()
                .toString(16);
        ledger.signedSerials.add(serial);
        ledger.ack();
        if (expect(api.send("POST", path("/certificates/" + serial + "/revoke"), KEY_COMPROMISE), 200)) {
            ledger.revokedSerials.add(serial);
            ledger.ack();
        }
    }

    /**
     * A certificate issued by ACME (order, authorization, finalize, download), recorded once the
     * download answered. A refusal (an unexpected status) is counted; a dead node ends the thread.
     */
    private void acmeIssuance() throws Exception {
        byte[] csr = io.certdesk.pki.request.Pkcs10.build(
                io.certdesk.pki.keys.KeyPairs.generate(
                        io.certdesk.pki.keys.KeyType.EC_P256, new java.security.SecureRandom()),
                io.certdesk.pki.keys.KeyType.EC_P256,
                List.of(BASE_DOMAIN));
        java.security.cert.X509Certificate leaf;
        try {
            leaf = acme.issue(BASE_DOMAIN, csr);
        } catch (IllegalStateException refused) {
            if (stopped) {
                throw refused;
            }
            if (ledger.refused.incrementAndGet() <= 5) {
                ledger.refusals.add("ACME: " + refused.getMessage());
            }
            return;
        }
        ledger.acmeSerials.add(leaf.getSerialNumber().toString(16));
        ledger.ack();
    }

    /** True on the expected status; a 5xx or an unexpected refusal is counted, for the report. */
    private boolean expect(Https.Answer answer, int status) {
        if (answer.status() == status) {
            return true;
        }
        if (ledger.refused.incrementAndGet() <= 5) {
            ledger.refusals.add(answer.status() + " " + answer.text());
        }
        return false;
    }
}
