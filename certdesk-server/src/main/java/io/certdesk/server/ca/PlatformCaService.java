package io.certdesk.server.ca;

import io.certdesk.pki.chain.ChainBuilder;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.Background;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the platform CA: creates it on first start (once, even when several nodes start together
 * on one database), keeps it in memory, and issues the platform's own server certificates.
 */
public final class PlatformCaService {
    private static final Logger log = LoggerFactory.getLogger(PlatformCaService.class);
    static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
    static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    /** An issuing CA lives half the root's life. */
    static final Duration ISSUING_VALIDITY = ROOT_VALIDITY.dividedBy(2);
    /**
     * An issuing CA is renewed under the root when less than this is left of it, so that what it
     * issues (a leaf never outlives its issuer) keeps its full lifetime: longer than the longest
     * default (a signing chain's two years).
     */
    public static final Duration ISSUING_RENEW_BEFORE = Duration.ofDays(2 * 365 + 30);
    /** How often each node looks whether an issuing CA is due, or was renewed by another node. */
    public static final Duration MAINTENANCE_PERIOD = Duration.ofSeconds(5);

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
    private volatile RevocationPublisher publisher;
    private final java.util.concurrent.ScheduledExecutorService maintenance =
            io.certdesk.server.Background.thread("certdesk-platform-ca");
    private final IssuedCertificateStore issuedCertificates = new IssuedCertificateStore();

    public PlatformCaService(
            Database database,
            PlatformCaStore store,
            KeyVault vault,
            AuditLog audit,
            CertificateIssuer issuer,
            Clock clock,
            SecureRandom random,
            KeyType caKeyType,
            KeyType serverKeyType) {
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

    /**
     * The platform CA's root and issuing key pairs, made on two threads from the moment this is
     * called: a node that sees it will create its CA (a new embedded database) starts them before
     * it opens the database, so the RSA-3072 pairs are made while the schema is.
     */
    public static final class KeysAhead {
        private final KeyType keyType;
        private final CompletableFuture<KeyPair> root;
        private final CompletableFuture<KeyPair> issuing;

        private KeysAhead(KeyType keyType, Supplier<KeyPair> generate) {
            this.keyType = keyType;
            // not the common pool: on two cores it has one thread, and the two pairs would be made one after the other
            this.root = CompletableFuture.supplyAsync(generate, Background.ownThread("certdesk-ca-root-key"));
            this.issuing = CompletableFuture.supplyAsync(generate, Background.ownThread("certdesk-ca-issuing-key"));
        }

        public static KeysAhead start(KeyType keyType, SecureRandom random, Optional<Provider> nativeKeys) {
            return new KeysAhead(keyType, () -> KeyPairs.generate(keyType, random, nativeKeys));
        }
    }

    /** Loads the platform CA, creating it if this database has none. Returns true when created. */
    public boolean loadOrCreate() {
        return loadOrCreate(Optional.empty());
    }

    /** As above, with the key pairs of a CA to create begun already ({@code ahead}, if of this CA's key type). */
    public boolean loadOrCreate(Optional<KeysAhead> ahead) {
        PlatformCa loaded = database.read(this::load);
        if (loaded != null) {
            current = withEcIssuing(loaded);
            return false;
        }
        Optional<KeysAhead> usable = ahead.filter(keys -> keys.keyType == caKeyType);
        CompletableFuture<KeyPair> rootKeys = usable.map(keys -> keys.root)
                .orElseGet(() -> CompletableFuture.supplyAsync(() -> issuer.newKeyPair(caKeyType)));
        CompletableFuture<KeyPair> issuingKeys = usable.map(keys -> keys.issuing)
                .orElseGet(() -> CompletableFuture.completedFuture(issuer.newKeyPair(caKeyType)));
        PlatformCa created = issuer.createPlatformCa(
                "Certdesk Platform", caKeyType, rootKeys.join(), issuingKeys.join(), ROOT_VALIDITY);
        try {
            database.inTransaction(h -> {
                String rootKey = vault.put(h, created.rootKey());
                String issuingKey = vault.put(h, created.issuingKey());
                boolean separateEc = !created.ecIssuing().equals(created.issuing());
                Optional<String> ecKey =
                        separateEc ? Optional.of(vault.put(h, created.ecIssuingKey())) : Optional.empty();
                store.insert(
                        h,
                        new PlatformCaStore.CaRow(
                                CertificateCodec.encodeDer(created.root()),
                                rootKey,
                                CertificateCodec.encodeDer(created.issuing()),
                                issuingKey,
                                separateEc
                                        ? Optional.of(CertificateCodec.encodeDer(created.ecIssuing()))
                                        : Optional.empty(),
                                ecKey),
                        clock.instant());
                issuedCertificates.record(
                        h,
                        created.issuing(),
                        created.root(),
                        IssuedFor.ISSUING_CA,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        clock.instant());
                if (separateEc) {
                    issuedCertificates.record(
                            h,
                            created.ecIssuing(),
                            created.root(),
                            IssuedFor.ISSUING_CA,
                            Optional.empty(),
                            Optional.empty(),
                            List.of(),
                            clock.instant());
                }
                audit.record(
                        h,
                        "system",
                        null,
                        AuditAction.PLATFORM_CA_CREATED,
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
        return store.find(h)
                .map(row -> {
                    X509Certificate root = CertificateCodec.decodeDer(row.rootDer());
                    X509Certificate issuing = CertificateCodec.decodeDer(row.issuingDer());
                    PrivateKey issuingKey = vault.get(h, row.issuingKeyId());
                    X509Certificate ecIssuing =
                            row.ecIssuingDer().map(CertificateCodec::decodeDer).orElse(issuing);
                    PrivateKey ecIssuingKey =
                            row.ecIssuingKeyId().map(id -> vault.get(h, id)).orElse(issuingKey);
                    return new PlatformCa(
                            root, vault.get(h, row.rootKeyId()), issuing, issuingKey, ecIssuing, ecIssuingKey);
                })
                .orElse(null);
    }

    /**
     * A platform CA made before EC issuing CAs (an RSA root whose one issuing CA signs all) gets
     * its EC issuing CA now, once, whichever node starts first.
     */
    private PlatformCa withEcIssuing(PlatformCa ca) {
        if (!ca.ecIssuing().equals(ca.issuing())
                || !"RSA".equals(ca.root().getPublicKey().getAlgorithm())) {
            return ca;
        }
        IssuedChain ec = issuer.addEcIssuingCa(ca, "Certdesk Platform", ROOT_VALIDITY.dividedBy(2));
        boolean added = database.inTransaction(h -> {
            boolean first = store.addEcIssuing(h, CertificateCodec.encodeDer(ec.leaf()), vault.put(h, ec.privateKey()));
            if (first) {
                issuedCertificates.record(
                        h,
                        ec.leaf(),
                        ca.root(),
                        IssuedFor.ISSUING_CA,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        clock.instant());
            }
            return first;
        });
        log.info(
                added
                        ? "Added an EC issuing CA to the platform CA"
                        : "Another node added the EC issuing CA first; using it");
        return database.read(this::load);
    }

    /**
     * Starts publishing the CA's revocations (CRLs valid for {@code crlValidity}, OCSP answers
     * signed by {@code signer}, a native provider where one loads, else Bouncy Castle) from this
     * node; stop it with {@link RevocationPublisher#close}.
     */
    public RevocationPublisher startPublishing(Duration crlValidity, Optional<java.security.Provider> signer) {
        List<java.util.Map.Entry<X509Certificate, PrivateKey>> retired = database.read(h -> store.retired(h).stream()
                .map(row -> java.util.Map.entry(CertificateCodec.decodeDer(row.der()), vault.get(h, row.keyId())))
                .toList());
        RevocationPublisher started = new RevocationPublisher(
                        database, ca(), vault, issuer, clock, random, crlValidity, signer, retired)
                .start();
        publisher = started;
        maintenance.scheduleWithFixedDelay(
                this::safeMaintain,
                MAINTENANCE_PERIOD.toMillis(),
                MAINTENANCE_PERIOD.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        return started;
    }

    private void safeMaintain() {
        try {
            maintain();
        } catch (RuntimeException e) {
            log.warn("Platform CA maintenance failed; trying again in {} s", MAINTENANCE_PERIOD.toSeconds(), e);
        }
    }

    /**
     * Renews the issuing CAs that are due under the root (once, by whichever node locks the CA's
     * row first), then takes up what the row holds now: new issuance moves to the new issuing CA,
     * and the old one goes on being published (CRL, OCSP) for what it issued.
     */
    void maintain() {
        PlatformCa ca = ca();
        Instant now = clock.instant();
        boolean separateEc = !ca.ecIssuing().equals(ca.issuing());
        if (renewable(ca, ca.issuing(), now) || (separateEc && renewable(ca, ca.ecIssuing(), now))) {
            database.inTransaction(h -> {
                PlatformCaStore.CaRow row = store.lock(h).orElseThrow();
                PlatformCa locked = load(h);
                if (renewable(locked, locked.issuing(), now)) {
                    renewIssuing(h, locked, locked.issuing(), false, row.issuingKeyId(), now);
                }
                if (!locked.ecIssuing().equals(locked.issuing()) && renewable(locked, locked.ecIssuing(), now)) {
                    renewIssuing(
                            h,
                            locked,
                            locked.ecIssuing(),
                            true,
                            row.ecIssuingKeyId().orElseThrow(),
                            now);
                }
                return null;
            });
        }
        PlatformCaStore.CaRow row = database.read(h -> store.find(h)).orElseThrow();
        boolean changed = !java.util.Arrays.equals(row.issuingDer(), CertificateCodec.encodeDer(ca.issuing()))
                || (separateEc
                        && !java.util.Arrays.equals(
                                row.ecIssuingDer().orElse(row.issuingDer()),
                                CertificateCodec.encodeDer(ca.ecIssuing())));
        if (changed) {
            PlatformCa latest = database.read(this::load);
            current = latest;
            if (publisher != null) {
                publisher.include(latest.issuing(), latest.issuingKey());
                publisher.include(latest.ecIssuing(), latest.ecIssuingKey());
            }
            log.info(
                    "Issuing from {} now",
                    latest.caCertificates().stream()
                            .map(c -> c.getSubjectX500Principal().getName())
                            .toList());
        }
    }

    /** Due, and the root has room for a successor that ends later (else only a new root helps). */
    private static boolean renewable(PlatformCa ca, X509Certificate issuing, Instant now) {
        Instant end = issuing.getNotAfter().toInstant();
        return end.minus(ISSUING_RENEW_BEFORE).isBefore(now)
                && ca.root().getNotAfter().toInstant().isAfter(end.plus(Duration.ofDays(1)));
    }

    private void renewIssuing(Handle h, PlatformCa ca, X509Certificate old, boolean ec, String oldKeyId, Instant now) {
        IssuedChain next = issuer.renewIssuingCa(ca, old, ISSUING_VALIDITY);
        String keyId = vault.put(h, next.privateKey());
        store.retire(h, CertificateCodec.sha256Hex(old), CertificateCodec.encodeDer(old), oldKeyId, now);
        store.replaceIssuing(h, ec, CertificateCodec.encodeDer(next.leaf()), keyId);
        issuedCertificates.record(
                h, next.leaf(), ca.root(), IssuedFor.ISSUING_CA, Optional.empty(), Optional.empty(), List.of(), now);
        audit.record(
                h,
                "system",
                null,
                AuditAction.ISSUING_CA_RENEWED,
                old.getSubjectX500Principal().getName() + " (sha256 " + CertificateCodec.sha256Hex(old) + ", until "
                        + old.getNotAfter().toInstant() + ") renewed as "
                        + next.leaf().getSubjectX500Principal().getName()
                        + " (sha256 " + CertificateCodec.sha256Hex(next.leaf()) + ", until "
                        + next.leaf().getNotAfter().toInstant() + ")");
    }

    /** Stops looking for due issuing CAs (the node is stopping). */
    public void stopMaintenance() {
        io.certdesk.server.Background.stop(maintenance, java.time.Duration.ofSeconds(10));
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
        // After a change of issuing CA the stored leaf may have been signed by another one: then issue anew.
        if (stored != null
                && ChainBuilder.issuedBy(stored.leaf(), stored.chain().get(1))) {
            return stored;
        }
        IssuedChain issued = issuer.issueTlsServer(ca, hostname, serverKeyType, SERVER_VALIDITY);
        database.inTransaction(h -> {
            String keyId = vault.put(h, issued.privateKey());
            store.saveServerCert(
                    h,
                    new PlatformCaStore.ServerCertRow(
                            hostname,
                            CertificateCodec.encodeDer(issued.leaf()),
                            keyId,
                            issued.leaf().getNotAfter().toInstant()),
                    clock.instant());
            issuedCertificates.record(
                    h,
                    issued.leaf(),
                    issued.chain().get(1),
                    IssuedFor.NODE_SERVER,
                    Optional.empty(),
                    Optional.empty(),
                    List.of(hostname),
                    clock.instant());
            return null;
        });
        return issued;
    }

    /** A TLS server chain for one of an account's domains (already checked), issued by the platform CA. */
    public IssuedChain issueTls(String domain, KeyType keyType, Duration validity) {
        return issuer.issueTlsServer(ca(), domain, keyType, validity);
    }

    /** A certificate for a key held elsewhere, for names already checked; the chain, leaf first. */
    public List<X509Certificate> issueForKey(
            java.security.PublicKey key,
            List<String> dnsNames,
            io.certdesk.pki.issue.DeviceProfile profile,
            Duration validity) {
        return issuer.issueForKey(ca(), key, dnsNames, profile, validity);
    }

    /** A certificate for the platform's SCEP registration authority (an RSA key), from the RSA issuing CA. */
    public X509Certificate issueScepRa(java.security.PublicKey key, Duration validity) {
        return issuer.issueScepRa(ca(), key, validity);
    }

    /**
     * The issuing CA that signs RSA leaves (devices' SCEP certificates among them) and the SCEP RA:
     * the RSA issuing CA, or under an EC root the one issuing CA.
     */
    public X509Certificate rsaIssuing() {
        return ca().issuingFor("RSA");
    }

    /** A token-signing chain naming the account, issued by the platform CA. */
    public IssuedChain issueTokenSigning(String accountName, String accountId, KeyType keyType, Duration validity) {
        return issuer.issueTokenSigning(ca(), accountName, accountId, keyType, validity);
    }

    /**
     * The chain above a certificate this CA issued, by its issuer's SHA-256: that issuing CA (in
     * service or retired) and the root; just the root for one the root signed.
     */
    public List<X509Certificate> chainAbove(Handle h, String issuerSha256) {
        X509Certificate root = root();
        if (CertificateCodec.sha256Hex(root).equals(issuerSha256)) {
            return List.of(root);
        }
        for (X509Certificate ca : caCertificates()) {
            if (CertificateCodec.sha256Hex(ca).equals(issuerSha256)) {
                return List.of(ca, root);
            }
        }
        return store.retiredDer(h, issuerSha256)
                .map(der -> List.of(CertificateCodec.decodeDer(der), root))
                .orElse(List.of(root));
    }

    /** The issuing CA and the root: CAs every account knows, for completing imported chains. */
    public List<X509Certificate> caCertificates() {
        return ca().caCertificates();
    }

    private IssuedChain chainOf(Handle h, PlatformCaStore.ServerCertRow row, PlatformCa ca) {
        PrivateKey key = vault.get(h, row.keyId());
        X509Certificate leaf = CertificateCodec.decodeDer(row.leafDer());
        return new IssuedChain(
                key, List.of(leaf, ca.issuingFor(leaf.getPublicKey().getAlgorithm()), ca.root()));
    }

    private PlatformCa ca() {
        PlatformCa ca = current;
        if (ca == null) {
            throw new IllegalStateException("the platform CA is not loaded yet");
        }
        return ca;
    }
}
