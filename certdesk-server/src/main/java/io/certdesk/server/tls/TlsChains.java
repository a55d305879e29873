package io.certdesk.server.tls;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.net.ssl.SSLContext;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.server.account.Account;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.AccountStore;
import io.certdesk.server.store.ChainStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.DatabaseKind;
import io.certdesk.server.store.PkiSettingsStore;

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
    private final KeyVault vault;
    private final Clock clock;
    private final TlsIndex index;
    private final TlsEngine engine;
    private final String node = UUID.randomUUID().toString();

    public TlsChains(Database database, AccountStore accounts, ChainStore chains, PkiSettingsStore settings, KeyVault vault, Clock clock,
                     IssuedChain platformChain, Optional<String> defaultSni, TlsEngine engine) {
        this.database = database;
        this.accounts = accounts;
        this.chains = chains;
        this.settings = settings;
        this.vault = vault;
        this.clock = clock;
        this.engine = engine;
        X509Certificate leaf = platformChain.chain().get(0);
        this.index = new TlsIndex(new ServedChain("platform", "", List.of(), keyType(platformChain.privateKey().getAlgorithm()),
                leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), leaf.getNotBefore().toInstant(),
                platformChain.chain().toArray(new X509Certificate[0]), engine.prepare(platformChain.privateKey())), defaultSni);
    }

    @Override
    public void changed(Handle h, String accountId) {
        h.afterCommit(() -> reload(accountId));
        if (database.kind() == DatabaseKind.POSTGRESQL) {
            // delivered to every listening node when (and only if) this transaction commits
            h.select("SELECT pg_notify(?, ?)", CHANNEL, node + " " + accountId).mapToMap().list();
        }
    }

    /** Loads every account (at start, and after a lost connection to the change notifications). */
    public void loadAll() {
        long started = System.nanoTime();
        List<String> ids = database.read(h -> h.createQuery("SELECT id FROM accounts").mapTo(String.class).list());
        for (String id : ids) {
            reload(id);
        }
        log.info("TLS edge: {} chains of {} accounts loaded in {} ms", index.size() - 1, ids.size(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Reads one account again and replaces it in the index (removes it when it no longer exists). */
    public void reload(String accountId) {
        try {
            index.replace(accountId, database.read(h -> read(h, accountId)), clock.instant());
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
        for (PrivateChain chain : chains.ofAccount(h, accountId)) {
            String keyType = keyType(chain.keyAlgorithm());
            if (!chain.purposes().contains(ChainPurpose.TLS_SERVER) || keyType == null) {
                continue;
            }
            X509Certificate[] certificates = chains.certificates(h, chain.id()).stream().map(CertificateCodec::decodeDer)
                    .toArray(X509Certificate[]::new);
            served.add(new ServedChain(chain.id(), accountId, chain.dnsNames(), keyType, chain.notBefore(), chain.notAfter(), chain.createdAt(),
                    certificates, engine.prepare(vault.get(h, chain.keyId()))));
        }
        return new AccountTls(accountId, java.util.Set.copyOf(account.get().domains()), settings.bindings(h, accountId), served);
    }

    /** The JSSE key type of a key algorithm; null for keys TLS servers here do not sign with (Ed25519). */
    private static String keyType(String keyAlgorithm) {
        return switch (keyAlgorithm) {
            case "EC", "ECDSA" -> "EC";
            case "RSA" -> "RSA";
            default -> null;
        };
    }

    /** A TLS context of the engine whose handshakes present the chain selected by SNI. */
    public SSLContext sslContext(SecureRandom random) {
        try {
            return engine.context(new SniKeyManager(index, clock), random);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the TLS context", e);
        }
    }

    /** The chain a client of {@code domain} is shown, when it is one of the account's own. */
    public Optional<List<X509Certificate>> servedFor(String accountId, String domain) {
        return index.accountChainFor(domain, clock.instant()).filter(c -> c.accountId().equals(accountId))
                .map(c -> List.of(c.certificates()));
    }

    /** The platform's own chain: what a name without a chain of its account is served. */
    public List<X509Certificate> platformChain() {
        return List.of(index.platform().certificates());
    }

    /** Whether a handshake's leaf is the platform's own certificate (for the handshake metrics). */
    public boolean isPlatformLeaf(java.security.cert.Certificate leaf) {
        return leaf != null && leaf.equals(index.platform().certificates()[0]);
    }

    /** Chains held in memory, the platform's included. */
    public int size() {
        return index.size();
    }

    public TlsEngine engine() {
        return engine;
    }

    String node() {
        return node;
    }
}
