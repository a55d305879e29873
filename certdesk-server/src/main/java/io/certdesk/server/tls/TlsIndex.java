package io.certdesk.server.tls;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.certdesk.pki.names.NameMatching;

/**
 * Which chain a TLS handshake for a host name is given, from an in-memory copy of every
 * account's domains, bindings and TLS chains. An account is replaced as a whole when it changes;
 * lookups never touch the database.
 *
 * <p>For a name an account owns: the chain bound to it in the account's PKI settings, else the
 * newest valid chain of the account that covers it (an exact name before a wildcard); each only
 * if the client can verify its key type. Otherwise, and for a name nobody owns, the platform's
 * own chain. A chain outside its validity is never chosen.
 */
final class TlsIndex {
    /** How long a replaced chain can still be fetched by its alias: a handshake that chose it just before finishes with it. */
    private static final java.time.Duration RETIRED_FOR = java.time.Duration.ofSeconds(30);

    /** The JSSE key types a client can verify, from the signature algorithms it offers. */
    enum ClientKeyTypes {
        EC_AND_RSA(Set.of("EC", "RSA")), EC_ONLY(Set.of("EC")), RSA_ONLY(Set.of("RSA"));

        private final Set<String> types;

        ClientKeyTypes(Set<String> types) {
            this.types = types;
        }

        boolean accepts(String keyType) {
            return types.contains(keyType);
        }

        /** From JSSE's names of the peer's signature algorithms ({@code SHA256withECDSA}, {@code RSASSA-PSS}, {@code SHA256withRSA}…). */
        static ClientKeyTypes of(String[] signatureAlgorithms) {
            boolean ec = false;
            boolean rsa = false;
            for (String algorithm : signatureAlgorithms == null ? new String[0] : signatureAlgorithms) {
                String upper = algorithm.toUpperCase(java.util.Locale.ROOT);
                ec |= upper.contains("ECDSA");
                rsa |= upper.contains("RSA");
            }
            return ec == rsa ? EC_AND_RSA : ec ? EC_ONLY : RSA_ONLY;
        }
    }

    /** Where a selection came from, for the handshake metrics. */
    enum Source {
        ACCOUNT, PLATFORM
    }

    record Selection(ServedChain chain, Source source) {
    }

    private final ServedChain platform;
    private final Optional<String> defaultSni;
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final Map<String, AccountTls> accounts = new ConcurrentHashMap<>();
    private final Map<String, ServedChain> byId = new ConcurrentHashMap<>();
    private final Map<String, Retired> retired = new ConcurrentHashMap<>();

    private record Retired(ServedChain chain, Instant until) {
    }

    TlsIndex(ServedChain platform, Optional<String> defaultSni) {
        this.platform = platform;
        this.defaultSni = defaultSni;
        byId.put(platform.id(), platform);
    }

    /** Puts (or replaces) an account; {@code null} chains means the account is gone. */
    synchronized void replace(String accountId, AccountTls account, Instant now) {
        AccountTls previous = account == null ? accounts.remove(accountId) : accounts.put(accountId, account);
        if (previous != null) {
            previous.domains().forEach(domain -> owners.remove(domain, accountId));
            for (ServedChain chain : previous.chains()) {
                if (account == null || account.chains().stream().noneMatch(c -> c.id().equals(chain.id()))) {
                    byId.remove(chain.id());
                    retired.put(chain.id(), new Retired(chain, now.plus(RETIRED_FOR)));
                }
            }
        }
        if (account != null) {
            account.domains().forEach(domain -> owners.put(domain, accountId));
            account.chains().forEach(chain -> byId.put(chain.id(), chain));
        }
        retired.values().removeIf(r -> r.until().isBefore(now));
    }

    /** The chain for a handshake that asked for {@code serverName} (empty: no SNI). */
    Selection select(Optional<String> serverName, ClientKeyTypes client, Instant now) {
        Optional<String> name = serverName.isPresent() ? serverName : defaultSni;
        if (name.isPresent()) {
            String host = name.get().toLowerCase(java.util.Locale.ROOT);
            String owner = owners.get(host);
            AccountTls account = owner == null ? null : accounts.get(owner);
            if (account != null) {
                Optional<ServedChain> chosen = choose(account, host, client, now);
                if (chosen.isPresent()) {
                    return new Selection(chosen.get(), Source.ACCOUNT);
                }
            }
        }
        return new Selection(platform, Source.PLATFORM);
    }

    private static Optional<ServedChain> choose(AccountTls account, String host, ClientKeyTypes client, Instant now) {
        List<ServedChain> usable = account.chains().stream()
                .filter(c -> c.validAt(now) && client.accepts(c.keyType()) && c.dnsNames().stream().anyMatch(n -> NameMatching.covers(n, host)))
                .toList();
        String bound = account.bindings().get(host);
        if (bound != null) {
            Optional<ServedChain> boundChain = usable.stream().filter(c -> c.id().equals(bound)).findFirst();
            if (boundChain.isPresent()) {
                return boundChain;
            }
        }
        return usable.stream().min(Comparator.comparing((ServedChain c) -> !c.dnsNames().contains(host))
                .thenComparing(ServedChain::createdAt, Comparator.reverseOrder()).thenComparing(ServedChain::id));
    }

    /** The chain a selection named, also for a short while after it was replaced. */
    Optional<ServedChain> byAlias(String alias) {
        ServedChain chain = byId.get(alias);
        if (chain != null) {
            return Optional.of(chain);
        }
        Retired gone = retired.get(alias);
        return gone == null ? Optional.empty() : Optional.of(gone.chain());
    }

    /** The chain that would serve {@code host} to a client accepting both key types, if an account's. */
    Optional<ServedChain> accountChainFor(String host, Instant now) {
        Selection selection = select(Optional.of(host), ClientKeyTypes.EC_AND_RSA, now);
        return selection.source() == Source.ACCOUNT ? Optional.of(selection.chain()) : Optional.empty();
    }

    ServedChain platform() {
        return platform;
    }

    /** Chains held (every account's TLS chains, and the platform's). */
    int size() {
        return byId.size();
    }
}
