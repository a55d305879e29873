package io.certdesk.server.tls;

import io.certdesk.pki.names.NameMatching;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private static final Duration RETIRED_FOR = Duration.ofSeconds(30);

    /** The JSSE key types a client can verify, from the signature algorithms it offers. */
    enum ClientKeyTypes {
        EC_AND_RSA(Set.of("EC", "RSA")),
        EC_ONLY(Set.of("EC")),
        RSA_ONLY(Set.of("RSA"));

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
                String upper = algorithm.toUpperCase(Locale.ROOT);
                ec |= upper.contains("ECDSA");
                rsa |= upper.contains("RSA");
            }
            return ec == rsa ? EC_AND_RSA : ec ? EC_ONLY : RSA_ONLY;
        }
    }

    /** Where a selection came from, for the handshake metrics. */
    enum Source {
        ACCOUNT,
        PLATFORM
    }

    record Selection(ServedChain chain, Source source) {}

    private final ServedChain platform;
    private final Optional<String> defaultSni;
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private final Map<String, AccountTls> accounts = new ConcurrentHashMap<>();
    private final Map<String, ServedChain> byId = new ConcurrentHashMap<>();
    private final Map<String, Retired> retired = new ConcurrentHashMap<>();

    private record Retired(ServedChain chain, Instant until) {}

    TlsIndex(ServedChain platform, Optional<String> defaultSni) {
        this.platform = platform;
        this.defaultSni = defaultSni;
        byId.put(platform.id(), platform);
    }

    /**
     * Puts (or replaces) an account; {@code null} chains means the account is gone. Lookups run
     * while this does, so every state in between answers as the old account or the new one: what
     * the new account has is put in before what only the old one had is taken out (a domain kept
     * never goes without its owner, a chain kept is never missing), and a chain that goes is
     * retired before it leaves the index (a handshake that chose it still finds it by its alias).
     */
    synchronized void replace(String accountId, AccountTls account, Instant now) {
        AccountTls previous = accounts.get(accountId);
        if (account != null) {
            account.chains().forEach(chain -> byId.put(chain.id(), chain));
            accounts.put(accountId, account);
            account.domains().forEach(domain -> owners.put(domain, accountId));
        } else {
            accounts.remove(accountId);
        }
        if (previous != null) {
            for (String domain : previous.domains()) {
                if (account == null || !account.domains().contains(domain)) {
                    owners.remove(domain, accountId);
                }
            }
            for (ServedChain chain : previous.chains()) {
                if (account == null || account.chains().stream().noneMatch(c -> c.id().equals(chain.id()))) {
                    retired.put(chain.id(), new Retired(chain, now.plus(RETIRED_FOR)));
                    byId.remove(chain.id());
                }
            }
        }
        retired.values().removeIf(r -> r.until().isBefore(now));
    }

    /**
     * The chain to present with a key of {@code keyType} to a handshake that asked for
     * {@code serverName} (empty: no SNI); empty when this handshake should be answered with a key
     * of another type. JSSE asks once per key type the client and the cipher suites allow (in
     * TLS 1.3 in the client's order of preference), so a name with chains of both types is
     * served the one the client prefers, and one with a binding is served the bound chain
     * whenever the client can verify it.
     */
    Optional<Selection> select(Optional<String> serverName, ClientKeyTypes client, Instant now, String keyType) {
        Optional<String> name = serverName.isPresent() ? serverName : defaultSni;
        if (name.isPresent()) {
            AccountTls account = owner(name.get());
            if (account != null) {
                String host = name.get().toLowerCase(Locale.ROOT);
                List<ServedChain> usable = usable(account, host, client, now);
                Optional<ServedChain> bound = bound(account, host, usable);
                if (bound.isPresent()) {
                    return bound.get().keyType().equals(keyType)
                            ? Optional.of(new Selection(bound.get(), Source.ACCOUNT))
                            : Optional.empty();
                }
                Optional<ServedChain> ofType = best(
                        usable.stream().filter(c -> c.keyType().equals(keyType)).toList(), host);
                if (ofType.isPresent()) {
                    return Optional.of(new Selection(ofType.get(), Source.ACCOUNT));
                }
                if (!usable.isEmpty()) {
                    return Optional
                            .empty(); // the account's chain has the other key type: the client is asked for it next
                }
            }
        }
        return platform.keyType().equals(keyType)
                ? Optional.of(new Selection(platform, Source.PLATFORM))
                : Optional.empty();
    }

    /**
     * The one chain for a handshake whose client can verify {@code keyTypes} (JSSE names, most
     * preferred first; none known: either): what {@link #select} gives for the first of them
     * that has one.
     */
    Optional<Selection> selectFirst(Optional<String> serverName, List<String> keyTypes, Instant now) {
        boolean ec = keyTypes.isEmpty() || keyTypes.contains("EC");
        boolean rsa = keyTypes.isEmpty() || keyTypes.contains("RSA");
        ClientKeyTypes client =
                ec && rsa ? ClientKeyTypes.EC_AND_RSA : ec ? ClientKeyTypes.EC_ONLY : ClientKeyTypes.RSA_ONLY;
        for (String keyType : keyTypes.isEmpty() ? List.of("EC", "RSA") : keyTypes) {
            Optional<Selection> selection = select(serverName, client, now, keyType);
            if (selection.isPresent()) {
                return selection;
            }
        }
        return Optional.empty();
    }

    /** The chain a client verifying both key types is shown for {@code host}, if one of the owning account's. */
    Optional<ServedChain> accountChainFor(String host, Instant now) {
        AccountTls account = owner(host);
        if (account == null) {
            return Optional.empty();
        }
        String lower = host.toLowerCase(Locale.ROOT);
        List<ServedChain> usable = usable(account, lower, ClientKeyTypes.EC_AND_RSA, now);
        return bound(account, lower, usable).or(() -> best(usable, lower));
    }

    private AccountTls owner(String name) {
        String owner = owners.get(name.toLowerCase(Locale.ROOT));
        return owner == null ? null : accounts.get(owner);
    }

    private static List<ServedChain> usable(AccountTls account, String host, ClientKeyTypes client, Instant now) {
        return account.chains().stream()
                .filter(c -> c.validAt(now)
                        && client.accepts(c.keyType())
                        && c.dnsNames().stream().anyMatch(n -> NameMatching.covers(n, host)))
                .toList();
    }

    private static Optional<ServedChain> bound(AccountTls account, String host, List<ServedChain> usable) {
        String bound = account.bindings().get(host);
        return bound == null
                ? Optional.empty()
                : usable.stream().filter(c -> c.id().equals(bound)).findFirst();
    }

    /** An exact name before a wildcard, then the newest. */
    private static Optional<ServedChain> best(List<ServedChain> chains, String host) {
        return chains.stream()
                .min(Comparator.comparing((ServedChain c) -> !c.dnsNames().contains(host))
                        .thenComparing(ServedChain::createdAt, Comparator.reverseOrder())
                        .thenComparing(ServedChain::id));
    }

    /**
     * For each TLS chain of the account: the account's domains it covers, and those it is
     * served for now and why, by the same rules as {@link #select} (per key type, a valid bound
     * chain, else the best valid covering chain of that type).
     */
    Map<String, ChainUse> uses(String accountId, Instant now) {
        AccountTls account = accounts.get(accountId);
        if (account == null) {
            return Map.of();
        }
        List<String> domains = account.domains().stream().sorted().toList();
        Map<String, List<ChainUse.Served>> served = new HashMap<>();
        for (String domain : domains) {
            List<ServedChain> usable = usable(account, domain, ClientKeyTypes.EC_AND_RSA, now);
            Optional<ServedChain> bound = bound(account, domain, usable);
            for (String keyType : List.of("EC", "RSA")) {
                Optional<ChainUse.Served> use;
                if (bound.isPresent() && bound.get().keyType().equals(keyType)) {
                    served.computeIfAbsent(bound.get().id(), k -> new ArrayList<>())
                            .add(new ChainUse.Served(domain, ChainUse.Reason.BOUND));
                    continue;
                }
                best(usable.stream().filter(c -> c.keyType().equals(keyType)).toList(), domain)
                        .ifPresent(c -> served.computeIfAbsent(c.id(), k -> new ArrayList<>())
                                .add(new ChainUse.Served(
                                        domain,
                                        bound.isPresent()
                                                ? ChainUse.Reason.KEY_TYPE_FALLBACK
                                                : ChainUse.Reason.NEWEST_VALID)));
            }
        }
        Map<String, ChainUse> uses = new HashMap<>();
        for (ServedChain chain : account.chains()) {
            List<String> covers = domains.stream()
                    .filter(d -> chain.dnsNames().stream().anyMatch(n -> NameMatching.covers(n, d)))
                    .toList();
            uses.put(chain.id(), new ChainUse(covers, served.getOrDefault(chain.id(), List.of())));
        }
        return uses;
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

    /** The chain held now by that id, if an account's (a retired one is not). */
    Optional<ServedChain> held(String chainId) {
        ServedChain chain = byId.get(chainId);
        return chain == null || chain == platform ? Optional.empty() : Optional.of(chain);
    }

    /** How many account chains held match {@code test} (without copying them). */
    long countAccountChains(java.util.function.Predicate<ServedChain> test) {
        long n = 0;
        for (ServedChain chain : byId.values()) {
            if (chain != platform && test.test(chain)) {
                n++;
            }
        }
        return n;
    }

    /** Every account chain held (the platform's not among them). */
    List<ServedChain> accountChains() {
        List<ServedChain> all = new ArrayList<>(byId.size());
        for (ServedChain chain : byId.values()) {
            if (chain != platform) {
                all.add(chain);
            }
        }
        return all;
    }

    /** The accounts held. */
    Set<String> accountIds() {
        return Set.copyOf(accounts.keySet());
    }

    ServedChain platform() {
        return platform;
    }

    /** Chains held (every account's TLS chains, and the platform's). */
    int size() {
        return byId.size();
    }
}
