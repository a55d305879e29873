package io.certdesk.server.ca;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.PlatformCaStore;

/**
 * Owns the platform CA: creates it on first start (once, even when several nodes start together
 * on one database), keeps it in memory, and issues the platform's own server certificates.
 */
public final class PlatformCaService {
    private static final Logger log = LoggerFactory.getLogger(PlatformCaService.class);
    static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Database database;
    private final PlatformCaStore store;
    private final KeyVault vault;
    private final AuditLog audit;
    private final CertificateIssuer issuer;
    private final Clock clock;
    private final KeyType caKeyType;
    private final KeyType serverKeyType;
    private final SecureRandom random;
    private volatile PlatformCa current;

    public PlatformCaService(Database database, PlatformCaStore store, KeyVault vault, AuditLog audit, CertificateIssuer issuer,
                             Clock clock, SecureRandom random, KeyType caKeyType, KeyType serverKeyType) {
        this.database = database;
        this.store = store;
        this.vault = vault;
        this.audit = audit;
        this.issuer = issuer;
        this.clock = clock;
        this.caKeyType = caKeyType;
        this.serverKeyType = serverKeyType;
        this.random = random;
    }

    /** Loads the platform CA, creating it if this database has none. Returns true when created. */
    public boolean loadOrCreate() {
        PlatformCa loaded = database.read(this::load);
        if (loaded != null) {
            current = loaded;
            return false;
        }
        CompletableFuture<KeyPair> issuingKeys = CompletableFuture.supplyAsync(() -> KeyPairs.generate(caKeyType, random));
        PlatformCa created = issuer.createPlatformCa("Certdesk Platform", caKeyType, KeyPairs.generate(caKeyType, random),
                issuingKeys.join(), ROOT_VALIDITY);
        try {
            database.inTransaction(h -> {
                String rootKey = vault.put(h, created.rootKey());
                String issuingKey = vault.put(h, created.issuingKey());
                store.insert(h, new PlatformCaStore.CaRow(CertificateCodec.encodeDer(created.root()), rootKey,
                        CertificateCodec.encodeDer(created.issuing()), issuingKey), clock.instant());
                audit.record(h, "system", null, AuditAction.PLATFORM_CA_CREATED,
                        "root sha256 " + CertificateCodec.sha256Hex(created.root()));
                return null;
            });
            current = created;
            log.info("Created the platform CA, root sha256 {}", CertificateCodec.sha256Hex(created.root()));
            return true;
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            current = database.read(this::load);
            log.info("Another node created the platform CA first; using it");
            return false;
        }
    }

    private PlatformCa load(Handle h) {
        return store.find(h).map(row -> new PlatformCa(
                CertificateCodec.decodeDer(row.rootDer()), vault.get(h, row.rootKeyId()),
                CertificateCodec.decodeDer(row.issuingDer()), vault.get(h, row.issuingKeyId()))).orElse(null);
    }

    public X509Certificate root() {
        return ca().root();
    }

    /**
     * The platform's own TLS chain for {@code hostname} (a DNS name or "localhost"), reusing the
     * stored one while it has more than 30 days left, issuing and storing a new one otherwise.
     */
    public IssuedChain serverChain(String hostname) {
        PlatformCa ca = ca();
        Instant renewAt = clock.instant().plus(RENEW_BEFORE);
        IssuedChain stored = database.read(h -> store.findServerCert(h, hostname)
                .filter(row -> row.notAfter().isAfter(renewAt))
                .map(row -> chainOf(h, row, ca))
                .orElse(null));
        if (stored != null && stored.chain().get(1).equals(ca.issuing())) {
            return stored;
        }
        IssuedChain issued = issuer.issueTlsServer(ca, hostname, serverKeyType, SERVER_VALIDITY);
        database.inTransaction(h -> {
            String keyId = vault.put(h, issued.privateKey());
            store.saveServerCert(h, new PlatformCaStore.ServerCertRow(hostname, CertificateCodec.encodeDer(issued.leaf()), keyId,
                    issued.leaf().getNotAfter().toInstant()), clock.instant());
            return null;
        });
        return issued;
    }

    /** A TLS server chain for one of an account's domains (already checked), issued by the platform CA. */
    public IssuedChain issueTls(String domain, KeyType keyType, Duration validity) {
        return issuer.issueTlsServer(ca(), domain, keyType, validity);
    }

    /** A token-signing chain naming the account, issued by the platform CA. */
    public IssuedChain issueTokenSigning(String accountName, String accountId, KeyType keyType, Duration validity) {
        return issuer.issueTokenSigning(ca(), accountName, accountId, keyType, validity);
    }

    /** The issuing CA and the root: CAs every account knows, for completing imported chains. */
    public List<X509Certificate> caCertificates() {
        return ca().caChain();
    }

    private IssuedChain chainOf(Handle h, PlatformCaStore.ServerCertRow row, PlatformCa ca) {
        PrivateKey key = vault.get(h, row.keyId());
        return new IssuedChain(key, List.of(CertificateCodec.decodeDer(row.leafDer()), ca.issuing(), ca.root()));
    }

    private PlatformCa ca() {
        PlatformCa ca = current;
        if (ca == null) {
            throw new IllegalStateException("the platform CA is not loaded yet");
        }
        return ca;
    }
}
