package io.certdesk.server.tls;

import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.account.TlsChanges;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.chains.ChainStore;
import io.certdesk.server.chains.IssuerRevocationStore;
import io.certdesk.server.chains.PkiSettingsStore;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.keys.SealedKeyStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.DatabaseKind;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chains the TLS edge serves: loaded from the database at start, reloaded an account at a
 * time after each change commits (here directly, on other nodes through PostgreSQL
 * {@code NOTIFY}), and presented by SNI through one {@link SSLContext} shared by every listener.
 */
public final class TlsChains implements TlsChanges {
    static final String CHANNEL = "certdesk_tls";
    private static final Logger log = LoggerFactory.getLogger(TlsChains.class);

    private final Database database;
    private final AccountStore accounts;
    private final ChainStore chains;
    private final PkiSettingsStore settings;
    private final TlsStore store = new TlsStore();
    private final KeyVault vault;
    private final Clock clock;
    private final TlsIndex index;
    private final TlsEngine engine;
    private final String node = UUID.randomUUID().toString();
    private final OcspStaples staples;
    /** Locks that make the reloads of an account take turns (an account's is chosen by its id's hash). */
    private final Object[] reloadTurns = newTurns(64);

    private static Object[] newTurns(int n) {
        Object[] turns = new Object[n];
        for (int i = 0; i < n; i++) {
            turns[i] = new Object();
        }
        return turns;
    }

    private volatile java.util.function.Function<String, Optional<byte[]>> importedStaples = id -> Optional.empty();

    private final IssuedCertificateStore issued = new IssuedCertificateStore();
    private final IssuerRevocationStore issuerRevocations = new IssuerRevocationStore();

    public TlsChains(
            Database database,
            AccountStore accounts,
            ChainStore chains,
            PkiSettingsStore settings,
            KeyVault vault,
            Clock clock,
            IssuedChain platformChain,
            Optional<String> defaultSni,
            TlsEngine engine,
            OcspStaples staples) {
        this.database = database;
        this.accounts = accounts;
        this.chains = chains;
        this.settings = settings;
        this.vault = vault;
        this.clock = clock;
        this.engine = engine;
        this.staples = staples;
        X509Certificate leaf = platformChain.chain().get(0);
        this.index = new TlsIndex(
                new ServedChain(
                        "platform",
                        "",
                        List.of(),
                        keyType(platformChain.privateKey().getAlgorithm()),
                        leaf.getNotBefore().toInstant(),
                        leaf.getNotAfter().toInstant(),
                        leaf.getNotBefore().toInstant(),
                        platformChain.chain().toArray(new X509Certificate[0]),
                        ServedKey.opened("platform", engine.prepare(platformChain.privateKey())),
                        new ServedChain.Stapling()),
                defaultSni);
    }

    @Override
    public void changed(Handle h, String accountId) {
        h.afterCommit(() -> reload(accountId));
        if (database.kind() == DatabaseKind.POSTGRESQL) {
            // delivered to every listening node when (and only if) this transaction commits
            h.select("SELECT pg_notify(?, ?)", CHANNEL, node + " " + accountId)
                    .mapToMap()
                    .list();
        }
    }

    /**
     * Loads every account in a few bulk reads (at start, and after a lost connection to the
     * change notifications); accounts gone since are dropped.
     */
    public void loadAll() {
        long started = System.nanoTime();
        record Everything(
                List<String> ids,
                Map<String, List<String>> domains,
                Map<String, Map<String, String>> bindings,
                List<TlsStore.ChainRow> chains) {}
        Everything all = database.read(
                h -> new Everything(store.accountIds(h), store.domains(h), store.bindings(h), store.tlsChains(h)));
        // parsing certificates on every core; the keys are opened later (openKeys), or by the first handshake
        // that needs one: opening and preparing a key costs a quarter of a millisecond of CPU, 100,000 of them
        // would hold the listeners back by seconds
        Map<ByteBuffer, X509Certificate> issuers = new ConcurrentHashMap<>();
        Map<String, List<ServedChain>> served = all.chains().parallelStream()
                .flatMap(row -> {
                    SealedKeyStore.Row sealed = row.key(); // the row alone: its certificates are not kept
                    return served(row.chain(), row.certificates(), () -> vault.open(sealed), false, issuers).stream();
                })
                .collect(Collectors.groupingBy(ServedChain::accountId));
        Instant now = clock.instant();
        Set<String> ids = new HashSet<>(all.ids());
        for (String id : all.ids()) {
            index.replace(
                    id,
                    new AccountTls(
                            id,
                            Set.copyOf(all.domains().getOrDefault(id, List.of())),
                            all.bindings().getOrDefault(id, Map.of()),
                            served.getOrDefault(id, List.of())),
                    now);
        }
        for (String gone : index.accountIds()) {
            if (!ids.contains(gone)) {
                index.replace(gone, null, now);
            }
        }
        log.info(
                "TLS edge: {} chains of {} accounts loaded in {} ms",
                index.size() - 1,
                ids.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Opens every key {@link #loadAll} left sealed, on one background thread (a handshake that comes
     * first opens its own): the node serves while it runs, and holds no sealed copies after it.
     */
    public void openKeysInBackground() {
        Thread opener = new Thread(this::openKeys, "certdesk-tls-keys");
        opener.setDaemon(true);
        opener.setPriority(Thread.MIN_PRIORITY);
        opener.start();
    }

    /** Opens every key still sealed, and says how many it opened. */
    private void openKeys() {
        long started = System.nanoTime();
        int opened = 0;
        int failed = 0;
        for (ServedChain chain : index.accountChains()) {
            ServedKey key = chain.key();
            if (key.pending()) {
                if (key.get() != null) {
                    opened++;
                } else {
                    failed++;
                }
            }
        }
        log.info(
                "TLS edge: {} keys opened in {} ms{}",
                opened,
                (System.nanoTime() - started) / 1_000_000,
                failed == 0 ? "" : ", " + failed + " could not be (their chains are not served)");
    }

    /**
     * Reads one account again and replaces it in the index (removes it when it no longer exists).
     * Reloads of one account take turns, reading and replacing: two changes committed one after
     * the other are read in that order too, so an older read never replaces a newer one (a chain
     * deleted or revoked by the second stays out of the index).
     */
    public void reload(String accountId) {
        Object turn = reloadTurns[Math.floorMod(accountId.hashCode(), reloadTurns.length)];
        try {
            synchronized (turn) {
                index.replace(accountId, database.read(h -> read(h, accountId)), clock.instant());
            }
        } catch (RuntimeException e) {
            log.error("TLS edge: reloading account {} failed; it is served as before", accountId, e);
        }
    }

    private AccountTls read(Handle h, String accountId) {
        Optional<Account> account = accounts.find(h, accountId);
        if (account.isEmpty()) {
            return null;
        }
        List<ServedChain> served = new ArrayList<>();
        Set<String> revoked = new HashSet<>(issued.revokedChainsOf(h, accountId).keySet());
        revoked.addAll(issuerRevocations.ofAccount(h, accountId).keySet()); // revoked by their own CA
        Map<String, List<byte[]>> certificates = null;
        for (PrivateChain chain : chains.ofAccount(h, accountId)) {
            if (revoked.contains(chain.id()) || !chain.purposes().contains(ChainPurpose.TLS_SERVER)) {
                continue; // revoked: never served; token signing: not a TLS chain
            }
            // a chain's certificates and key never change: one held already is kept as it is (its key not opened again)
            Optional<ServedChain> held =
                    index.held(chain.id()).filter(c -> c.accountId().equals(accountId));
            if (held.isPresent()) {
                served.add(held.get());
                continue;
            }
            if (certificates == null) {
                certificates = chains.certificatesOfAccount(h, accountId);
            }
            served(chain, certificates.getOrDefault(chain.id(), List.of()), () -> vault.get(h, chain.keyId()), true)
                    .ifPresent(served::add);
        }
        return new AccountTls(accountId, Set.copyOf(account.get().domains()), settings.bindings(h, accountId), served);
    }

    /**
     * A TLS_SERVER chain as the edge holds it (its key opened only for such chains, now or when
     * first needed); empty for others.
     */
    private Optional<ServedChain> served(
            PrivateChain chain, List<byte[]> der, Supplier<PrivateKey> key, boolean openNow) {
        return served(chain, der, key, openNow, new HashMap<>());
    }

    /**
     * As above; {@code issuers} shares one parsed copy of each issuer certificate (the same few
     * CAs sign most chains) across a bulk load.
     */
    private Optional<ServedChain> served(
            PrivateChain chain,
            List<byte[]> der,
            Supplier<PrivateKey> key,
            boolean openNow,
            Map<ByteBuffer, X509Certificate> issuers) {
        String keyType = keyType(chain.keyAlgorithm());
        if (!chain.purposes().contains(ChainPurpose.TLS_SERVER) || keyType == null) {
            return Optional.empty();
        }
        X509Certificate[] certificates = new X509Certificate[der.size()];
        for (int i = 0; i < certificates.length; i++) {
            byte[] bytes = der.get(i);
            certificates[i] = i == 0
                    ? HeldCertificate.of(bytes) // held as DER: the parsed form is several times bigger
                    : issuers.computeIfAbsent(ByteBuffer.wrap(bytes), b -> CertificateCodec.decodeDer(bytes));
        }
        return Optional.of(new ServedChain(
                chain.id(),
                chain.accountId(),
                chain.dnsNames(),
                keyType,
                chain.notBefore(),
                chain.notAfter(),
                chain.createdAt(),
                certificates,
                openNow
                        ? ServedKey.opened(chain.id(), engine.prepare(key.get()))
                        : ServedKey.sealed(chain.id(), () -> engine.prepare(key.get())),
                new ServedChain.Stapling()));
    }

    /** The JSSE key type of a key algorithm; null for keys TLS servers here do not sign with (Ed25519). */
    private static String keyType(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "EC";
            case "RSA" -> "RSA";
            default -> null;
        };
    }

    /**
     * Chooses the chain of a handshake from its client hello, before the engine reads it, and
     * gives a Conscrypt engine the chain's OCSP staple when the client asked for one and one is
     * at hand: the key manager then presents that choice ({@link SniKeyManager}).
     */
    void prepare(HelloReading.Handshake handshake, SSLEngine engine) {
        handshake.chosen = index.selectFirst(
                handshake.hello.serverName(), SniKeyManager.keyTypes(handshake.hello), clock.instant());
        if (!handshake.hello.statusRequest() || handshake.chosen.isEmpty()) {
            return;
        }
        ServedChain chain = handshake.chosen.get().chain();
        Optional<CertificateID> ours = chain.stapling().id(chain, staples);
        (ours.isPresent() ? ours.flatMap(staples::goodResponse) : importedStaples.apply(chain.id()))
                .ifPresent(response -> ConscryptStapling.set(engine, response));
    }

    /** Imported chains' staples: their own CA's good answers, by chain id. */
    void stapleImportedFrom(java.util.function.Function<String, Optional<byte[]>> staples) {
        this.importedStaples = staples;
    }

    /** Every account chain the edge holds now. */
    java.util.List<ServedChain> accountChains() {
        return index.accountChains();
    }

    /** Whether the platform CA issued the chain's leaf (its own responder answers for it). */
    boolean issuedByPlatform(ServedChain chain) {
        return chain.stapling().id(chain, staples).isPresent();
    }

    /** A TLS context of the engine whose handshakes present the chain selected by SNI. */
    public SSLContext sslContext(SecureRandom random) {
        try {
            return engine.context(new SniKeyManager(index, clock), random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the TLS context", e);
        }
    }

    /** The same chains by SNI, and clients' certificates checked by {@code clients} (the EST listener's). */
    public SSLContext sslContext(SecureRandom random, javax.net.ssl.X509TrustManager clients) {
        try {
            return engine.context(new SniKeyManager(index, clock), clients, random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the TLS context", e);
        }
    }

    /** The chain a client of {@code domain} is shown, when it is one of the account's own. */
    public Optional<List<X509Certificate>> servedFor(String accountId, String domain) {
        return index.accountChainFor(domain, clock.instant())
                .filter(c -> c.accountId().equals(accountId))
                .map(c -> List.of(c.certificates()));
    }

    /** What this node's edge does with each TLS chain of the account now (chains it does not hold: {@link ChainUse#NONE}). */
    public Map<String, ChainUse> uses(String accountId) {
        return index.uses(accountId, clock.instant());
    }

    /** The platform's own chain: what a name without a chain of its account is served. */
    public List<X509Certificate> platformChain() {
        return List.of(index.platform().certificates());
    }

    /** Whether a handshake's leaf is the platform's own certificate (for the handshake metrics). */
    public boolean isPlatformLeaf(Certificate leaf) {
        return leaf != null && leaf.equals(index.platform().certificates()[0]);
    }

    /** Chains held in memory, the platform's included. */
    public int size() {
        return index.size();
    }

    /** How many chains' keys are still sealed: at start-up, until the background pass or their first handshake. */
    public long sealedKeys() {
        return index.countAccountChains(chain -> chain.key().pending());
    }

    public TlsEngine engine() {
        return engine;
    }

    String node() {
        return node;
    }
}
