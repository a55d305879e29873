package io.certdesk.server.ca;

import io.certdesk.pki.chain.ChainBuilder;
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
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

    /** Loads the platform CA, creating it if this database has none. Returns true when created. */
    public boolean loadOrCreate() {
        PlatformCa loaded = database.read(this::load);
        if (loaded != null) {
            current = withEcIssuing(loaded);
            return false;
        }
        CompletableFuture<KeyPair> issuingKeys =
                CompletableFuture.supplyAsync(() -> KeyPairs.generate(caKeyType, random));
        PlatformCa created = issuer.createPlatformCa(
                "Certdesk Platform",
                caKeyType,
                KeyPairs.generate(caKeyType, random),
                issuingKeys.join(),
                ROOT_VALIDITY);
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
        return new RevocationPublisher(database, ca(), vault, issuer, clock, random, crlValidity, signer).start();
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

    /** A token-signing chain naming the account, issued by the platform CA. */
    public IssuedChain issueTokenSigning(String accountName, String accountId, KeyType keyType, Duration validity) {
        return issuer.issueTokenSigning(ca(), accountName, accountId, keyType, validity);
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
