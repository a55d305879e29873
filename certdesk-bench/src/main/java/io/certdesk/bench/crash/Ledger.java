package io.certdesk.bench.crash;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the node answered 2xx for: each of these must be there, whole, after any crash. Changes
 * that were in flight when the node died are not here (their outcome is unknown: either is fine).
 */
final class Ledger {
    record Chain(String id, String sha256, String origin) {}

    record Token(String clientId, String token, Instant issuedAt) {}

    final Map<String, String> trustedCas = new ConcurrentHashMap<>(); // id -> sha256
    final Map<String, Chain> chains = new ConcurrentHashMap<>();
    final Set<String> deletedChains = ConcurrentHashMap.newKeySet();
    /** Deletions sent: one not answered may or may not have happened. */
    final Set<String> deletionsSent = ConcurrentHashMap.newKeySet();
    /** API clients answered 201, with their secrets (tokens are issued for a few clients, not one client each). */
    final Map<String, String> clients = new ConcurrentHashMap<>();

    final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    final Set<String> domains = ConcurrentHashMap.newKeySet();
    /** Every name this run ever sent in a domain change (answered or not): the next change sends them all again. */
    final Set<String> domainsSent = ConcurrentHashMap.newKeySet();

    final Map<String, String> bindings = new ConcurrentHashMap<>(); // domain -> chain id
    /** Generated chains whose revocation was answered 200. */
    final Set<String> revokedChains = ConcurrentHashMap.newKeySet();
    /** Serials of devices' certificates signed (201), and of those whose revocation was answered 200. */
    final Set<String> signedSerials = ConcurrentHashMap.newKeySet();

    final Set<String> revokedSerials = ConcurrentHashMap.newKeySet();
    /** Serials of certificates issued by ACME and downloaded. */
    final Set<String> acmeSerials = ConcurrentHashMap.newKeySet();

    final List<Token> tokens = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger nextName = new AtomicInteger();
    final AtomicInteger acknowledged = new AtomicInteger();
    final AtomicInteger unanswered = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    void ack() {
        acknowledged.incrementAndGet();
    }

    Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("trusted CAs", trustedCas.size());
        m.put("chains", chains.size());
        m.put("chains deleted", deletedChains.size());
        m.put("domains", domains.size());
        m.put("bindings", bindings.size());
        m.put("API clients", clients.size());
        m.put("tokens", tokens.size());
        m.put("chains revoked", revokedChains.size());
        m.put("device certificates", signedSerials.size());
        m.put("device certificates revoked", revokedSerials.size());
        m.put("ACME certificates", acmeSerials.size());
        return m;
    }
}
