package io.certdesk.server.requests;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.imports.ImportWarning;
import io.certdesk.pki.imports.SignedChainImport;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.request.RequestedNames;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.chains.ChainService;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.security.KeyPair;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Chains whose key is made here and whose certificate another CA signs: a request makes and seals
 * the key and answers its PKCS#10; the signed certificate, uploaded back, becomes a private chain
 * after the checks a PKCS#12 import makes. The key never leaves the platform.
 */
public final class ChainRequestService {
    /** How long a request waits for its certificate. */
    public static final Duration LIFETIME = Duration.ofDays(30);
    /** Requests an account may have waiting at once. */
    public static final int MAX_PENDING = 100;

    private final Database database;
    private final ChainRequestStore store = new ChainRequestStore();
    private final ChainService chains;
    private final KeyVault vault;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Optional<Provider> nativeKeys;

    public ChainRequestService(
            Database database,
            ChainService chains,
            KeyVault vault,
            Access access,
            AuditLog audit,
            Clock clock,
            SecureRandom random,
            Optional<Provider> nativeKeys) {
        this.database = database;
        this.chains = chains;
        this.vault = vault;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.nativeKeys = nativeKeys;
    }

    /** A chain made of a request's key and the certificate taken back, and what was noticed about it. */
    public record Completed(PrivateChain chain, List<ImportWarning> warnings) {}

    /** Makes and seals a key of {@code keyType} and a request for {@code domains} (each one of the account's). */
    public ChainRequest create(Principal actor, String accountId, List<String> domains, KeyType keyType) {
        Account account = access.visibleAccount(actor, accountId);
        if (domains == null || domains.isEmpty()) {
            throw ServiceException.invalid(
                    "domains", "Give the domains the certificate is for (each one of the account's domains).");
        }
        if (keyType == KeyType.ED25519) {
            throw new PkiException(
                    PkiError.UNSUPPORTED_KEY,
                    "Ed25519 keys are not requested here: CAs and TLS clients rarely accept them. Choose EC_P256"
                            + " (the default), EC_P384 or an RSA key type.");
        }
        List<String> names = RequestedNames.require(domains, List.of(), Set.copyOf(account.domains()));
        KeyPair keys =
                KeyPairs.generate(keyType, random, nativeKeys); // outside the transaction: RSA 4096 takes a while
        byte[] csr = Pkcs10.build(keys, keyType, names);
        return database.inTransaction(h -> {
            Instant now = clock.instant();
            int pending = store.countPending(h, account.id(), now);
            if (pending >= MAX_PENDING) {
                throw new ServiceException(
                        ErrorCode.VALIDATION_FAILED,
                        "The account has " + pending + " requests waiting for their certificate, the most it may"
                                + " have; complete or delete some first.");
            }
            String keyId = vault.put(h, account.id(), keys.getPrivate());
            ChainRequest request = new ChainRequest(
                    UUID.randomUUID().toString(), account.id(), keyType, names, csr, keyId, now, now.plus(LIFETIME));
            store.insert(h, request);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.CHAIN_REQUESTED,
                    "request " + request.id() + " for " + String.join(", ", names) + " (" + keyType + ")");
            return request;
        });
    }

    public List<ChainRequest> list(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.pendingOf(h, account.id(), clock.instant()));
    }

    public ChainRequest get(Principal actor, String accountId, String requestId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.findPending(h, account.id(), requestId, clock.instant()))
                .orElseThrow(() -> notFound(requestId));
    }

    /** Deletes a waiting request and its key. */
    public void delete(Principal actor, String accountId, String requestId) {
        Account account = access.visibleAccount(actor, accountId);
        database.inTransaction(h -> {
            ChainRequest request = store.lockPending(h, account.id(), requestId, clock.instant())
                    .orElseThrow(() -> notFound(requestId));
            store.delete(h, request, false);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.CHAIN_REQUEST_DELETED,
                    "request " + request.id() + " for " + String.join(", ", request.dnsNames()));
            return null;
        });
    }

    /**
     * Takes back the certificate another CA signed for the request (PEM, DER or PKCS#7, with or
     * without its chain): one transaction makes the chain and ends the request, or nothing changes.
     */
    public Completed complete(Principal actor, String accountId, String requestId, byte[] file) {
        Account account = access.visibleAccount(actor, accountId);
        return database.inTransaction(h -> {
            Instant now = clock.instant();
            ChainRequest request =
                    store.lockPending(h, account.id(), requestId, now).orElseThrow(() -> notFound(requestId));
            SignedChainImport.SignedChain signed = SignedChainImport.evaluate(
                    file,
                    Pkcs10.readPkcs10(request.csrDer()).publicKey(),
                    account.domains(),
                    chains.knownCas(h, account.id()),
                    now);
            PrivateChain chain = chains.storeRequested(h, actor, account, signed, request.keyId());
            store.delete(h, request, true);
            return new Completed(chain, signed.warnings());
        });
    }

    /** Deletes requests past their end, with their keys, a batch at a time; how many went. */
    public int pruneExpired(int limit) {
        return database.inTransaction(h -> store.pruneExpired(h, clock.instant(), limit));
    }

    private static ServiceException notFound(String requestId) {
        return ServiceException.notFound("Request " + requestId + " (a request waits " + LIFETIME.toDays()
                + " days for its certificate, and ends when one is taken back)");
    }
}
