package io.certdesk.bench.crash;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.bench.PresentedChain;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * After a restart: everything in the {@link Ledger} is there and whole, through the API and the
 * TLS edge; and, with the node down, the database itself holds nothing half-stored.
 */
final class Checks {
    private Checks() {}

    /** The problems found (empty: nothing lost). */
    static List<String> afterRestart(Https api, String account, Ledger ledger, int port, X509Certificate platformCa)
            throws Exception {
        List<String> lost = new ArrayList<>();
        String base = "/api/v1/accounts/" + account;
        for (Map.Entry<String, String> ca : ledger.trustedCas.entrySet()) {
            Https.Answer a = api.get(base + "/trusted-cas/" + ca.getKey());
            if (a.status() != 200 || !a.json().path("sha256").asText().equals(ca.getValue())) {
                lost.add("trusted CA " + ca.getKey() + " answered 201, now " + a.status());
            }
        }
        for (Ledger.Chain chain : ledger.chains.values()) {
            Https.Answer a = api.get(base + "/private-chains/" + chain.id());
            boolean deleted = ledger.deletedChains.contains(chain.id());
            if (!deleted && ledger.deletionsSent.contains(chain.id()) && a.status() == 404) {
                continue; // a deletion cut off by the kill: it may have committed
            }
            if (deleted && a.status() != 404) {
                lost.add("chain " + chain.id() + " was deleted (204), now " + a.status());
            } else if (!deleted
                    && (a.status() != 200
                            || !a.json().path("sha256").asText().equals(chain.sha256())
                            || a.json().path("certificates").size() < 2)) {
                lost.add(chain.origin() + " chain " + chain.id() + " answered 201, now " + a.status() + " " + a.text());
            }
        }
        for (String id : ledger.revokedChains) {
            Https.Answer a = api.get(base + "/private-chains/" + id);
            if (a.status() != 200
                    || !a.json().path("revocation").path("reason").asText().equals("keyCompromise")) {
                lost.add("chain " + id + " was revoked (200), now " + a.status() + " revocation "
                        + a.json().path("revocation"));
            }
        }
        for (String serial : ledger.signedSerials) {
            Https.Answer a = api.get(base + "/certificates/" + serial);
            boolean revoked = ledger.revokedSerials.contains(serial);
            if (a.status() != 200) {
                lost.add("device certificate " + serial + " was signed (201), now " + a.status());
            } else if (revoked
                    && !a.json().path("revocation").path("reason").asText().equals("keyCompromise")) {
                lost.add("device certificate " + serial + " was revoked (200), now "
                        + a.json().path("revocation"));
            }
        }
        for (String serial : ledger.acmeSerials) {
            Https.Answer a = api.get(base + "/certificates/" + serial);
            if (a.status() != 200 || !a.json().path("issuedFor").asText().equals("ACME")) {
                lost.add("ACME certificate " + serial + " was downloaded, now " + a.status() + " " + a.text());
            }
        }
        Https.Answer domains = api.get(base + "/domains");
        List<String> held = new ArrayList<>();
        domains.json().path("domains").forEach(d -> held.add(d.asText()));
        for (String d : ledger.domains) {
            if (!held.contains(d)) {
                lost.add("domain " + d + " answered 200, now missing");
            }
        }
        JsonNode bindings = api.get(base + "/pki-settings").json().path("tlsBindings");
        for (Map.Entry<String, String> b : ledger.bindings.entrySet()) {
            if (!bindings.path(b.getKey()).asText().equals(b.getValue())) {
                lost.add("binding " + b.getKey() + " -> " + b.getValue() + " answered 200, now "
                        + bindings.path(b.getKey()));
                continue;
            }
            String served = servedLeafSha256(port, b.getKey());
            String expected = ledger.chains.get(b.getValue()).sha256();
            if (!expected.equalsIgnoreCase(served)) {
                lost.add("the edge serves " + b.getKey() + " with " + served + ", the database binds " + expected);
            }
        }
        Instant fresh = Instant.now().minus(Duration.ofMinutes(10));
        for (Ledger.Token t : List.copyOf(ledger.tokens)) {
            if (t.issuedAt().isBefore(fresh)) {
                continue;
            }
            Https.Answer a = api.withBearer(t.token()).get(base + "/private-chains?limit=1");
            if (a.status() != 200) {
                lost.add("token of " + t.clientId() + " answered 200, now " + a.status() + " " + a.text());
            }
        }
        return lost;
    }

    /** The TLS edge's choice for {@code name}, by a real handshake: only the presented leaf's fingerprint is compared. */
    private static String servedLeafSha256(int port, String name) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(PresentedChain.of(port, name)[0].getEncoded()));
    }

    /** With the node down: the database opens and holds no chain without certificates, key or names, and no orphan key. */
    static List<String> database(String jdbcUrl, String user) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            count(
                    c,
                    found,
                    "chains without certificates",
                    "SELECT COUNT(*) FROM private_chains p WHERE NOT EXISTS (SELECT 1 FROM private_chain_certificates x WHERE x.chain_id = p.id)");
            count(
                    c,
                    found,
                    "chains without a sealed key",
                    "SELECT COUNT(*) FROM private_chains p WHERE NOT EXISTS (SELECT 1 FROM sealed_keys k WHERE k.id = p.key_id)");
            count(
                    c,
                    found,
                    "chains without names",
                    "SELECT COUNT(*) FROM private_chains p WHERE p.purposes LIKE '%TLS_SERVER%'"
                            + " AND NOT EXISTS (SELECT 1 FROM private_chain_names n WHERE n.chain_id = p.id)");
            count(
                    c,
                    found,
                    "account keys no chain, request, webhook or EAB credential holds",
                    "SELECT COUNT(*) FROM sealed_keys k WHERE k.account_id IS NOT NULL"
                            + " AND NOT EXISTS (SELECT 1 FROM private_chains p WHERE p.key_id = k.id)"
                            + " AND NOT EXISTS (SELECT 1 FROM certificate_requests r WHERE r.key_id = k.id)"
                            + " AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.secret_key_id = k.id)"
                            + " AND NOT EXISTS (SELECT 1 FROM acme_eab_keys e WHERE e.secret_key_id = k.id)");
            count(
                    c,
                    found,
                    "webhook events with no delivery",
                    "SELECT COUNT(*) FROM webhook_events e"
                            + " WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)");
            count(
                    c,
                    found,
                    "ACME orders valid without their certificate recorded",
                    "SELECT COUNT(*) FROM acme_orders o WHERE o.status = 'valid' AND NOT EXISTS"
                            + " (SELECT 1 FROM issued_certificates i WHERE i.issuer_sha256 = o.issuer_sha256"
                            + " AND i.serial = o.serial AND i.der IS NOT NULL)");
            count(
                    c,
                    found,
                    "bindings to a chain of another account",
                    "SELECT COUNT(*) FROM tls_bindings b JOIN private_chains p ON p.id = b.chain_id"
                            + " WHERE p.account_id <> b.account_id");
        }
        return found;
    }

    private static void count(Connection c, List<String> found, String what, String sql) throws Exception {
        try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            long n = rs.getLong(1);
            if (n != 0) {
                found.add(n + " " + what);
            }
        }
    }
}
