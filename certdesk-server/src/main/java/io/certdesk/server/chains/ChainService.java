package io.certdesk.server.chains;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.imports.ImportWarning;
import io.certdesk.pki.imports.PrivateChainImport;
import io.certdesk.pki.imports.SignedChainImport;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.TlsChanges;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import io.certdesk.server.trust.TrustedCaStore;
import io.certdesk.server.webhooks.EventType;
import io.certdesk.server.webhooks.Outbox;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** An account's private certificate chains: import from PKCS#12, generation by the platform CA, listing, deletion. */
public final class ChainService {
    public static final int MAX_TLS_DAYS = 397;
    public static final int DEFAULT_TOKEN_DAYS = 730;
    public static final int MAX_TOKEN_DAYS = 3650;
    public static final int MAX_CHAINS_PER_ACCOUNT = 1000;

    private final Database database;
    private final ChainStore chains;
    private final TrustedCaStore trustedCas;
    private final PkiSettingsStore settings;
    private final KeyVault vault;
    private final PlatformCaService platformCa;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final TlsChanges tls;
    private final IssuedCertificateStore issuedCertificates;
    private final RevocationService revocations;
    private final LifecycleSettingsStore lifecycle = new LifecycleSettingsStore();
    private final Outbox outbox;
    private final RenewalStore renewals = new RenewalStore();

    public ChainService(
            Database database,
            ChainStore chains,
            TrustedCaStore trustedCas,
            PkiSettingsStore settings,
            KeyVault vault,
            PlatformCaService platformCa,
            Access access,
            AuditLog audit,
            Clock clock,
            TlsChanges tls,
            IssuedCertificateStore issuedCertificates,
            RevocationService revocations,
            Outbox outbox) {
        this.outbox = outbox;
        this.issuedCertificates = issuedCertificates;
        this.revocations = revocations;
        this.database = database;
        this.chains = chains;
        this.trustedCas = trustedCas;
        this.settings = settings;
        this.vault = vault;
        this.platformCa = platformCa;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.tls = tls;
    }

    /**
     * What an import stored, ignored and warned about.
     *
     * @param certificates what each stored chain's certificates are, by chain id (read from the file's)
     */
    public record ImportOutcome(
            List<PrivateChain> imported,
            Map<String, List<CertificateInfo>> certificates,
            List<PrivateChainImport.Ignored> ignored,
            List<ImportWarning> warnings) {}

    /**
     * Imports every key entry of a PKCS#12 file as a chain, all in one transaction, or refuses the
     * file. The file is read and checked (its key derivations, decryption, signatures) before the
     * transaction, which then only writes.
     */
    public ImportOutcome importPkcs12(Principal actor, String accountId, byte[] file, char[] password) {
        Account account = access.visibleAccount(actor, accountId);
        PrivateChainImport.Result result;
        try {
            result = PrivateChainImport.evaluate(
                    file, password, account.domains(), database.read(h -> knownCas(h, account.id())), clock.instant());
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
        // what the answer shows of each chain's certificates, read before the transaction as the file was
        List<List<CertificateInfo>> infos = result.chains().stream()
                .map(chain ->
                        chain.certificates().stream().map(CertificateInfo::of).toList())
                .toList();
        return database.inTransaction(h -> {
            requireRoom(h, account, result.chains().size());
            List<PrivateChain> stored = new ArrayList<>();
            Map<String, List<CertificateInfo>> certificates = new HashMap<>();
            for (int i = 0; i < result.chains().size(); i++) {
                PrivateChainImport.ImportedChain chain = result.chains().get(i);
                PrivateChain one = store(
                        h,
                        account,
                        ChainOrigin.IMPORTED,
                        chain.purposes(),
                        chain.dnsNames(),
                        new IssuedChain(chain.key(), chain.certificates()),
                        Optional.empty());
                stored.add(one);
                certificates.put(one.id(), infos.get(i));
            }
            tls.changed(h, account.id());
            audit.record(h, actor.username(), account.id(), AuditAction.CHAIN_IMPORTED, describe(stored));
            for (PrivateChain chain : stored) {
                outbox.publish(h, Optional.of(account.id()), EventType.CHAIN_IMPORTED, ChainEvents.of(chain));
            }
            return new ImportOutcome(stored, certificates, result.ignored(), result.warnings());
        });
    }

    /**
     * Has the platform CA issue a chain: for {@link ChainPurpose#TLS_SERVER}, for one of the
     * account's domains; for {@link ChainPurpose#TOKEN_SIGNING}, naming the account.
     */
    public PrivateChain generate(
            Principal actor,
            String accountId,
            ChainPurpose purpose,
            Optional<String> domain,
            KeyType keyType,
            Optional<Integer> validityDays) {
        Account account = access.visibleAccount(actor, accountId);
        if (purpose == null) {
            throw ServiceException.invalid("purpose", "A purpose is required: TLS_SERVER or TOKEN_SIGNING.");
        }
        IssuedChain issued;
        List<String> names;
        if (purpose == ChainPurpose.TLS_SERVER) {
            String name = Inputs.domain(
                    domain.orElseThrow(() -> ServiceException.invalid(
                            "domain", "A TLS chain is issued for one of the account's domains: " + "give 'domain'.")),
                    "domain");
            if (!account.domains().contains(name)) {
                throw new PkiException(
                        PkiError.DOMAIN_NOT_ALLOWED,
                        "'" + name + "' is not a domain of this account"
                                + (account.domains().isEmpty()
                                        ? " (it has none yet)."
                                        : " (" + String.join(", ", account.domains()) + ")."));
            }
            if (keyType == KeyType.ED25519) {
                throw ServiceException.invalid(
                        "keyType",
                        "Ed25519 is for token-signing chains: browsers and most TLS clients do not accept "
                                + "Ed25519 server certificates. Choose EC_P256 (the default) or an RSA key type.");
            }
            issued =
                    platformCa.issueTls(name, keyType, Duration.ofDays(days(validityDays, MAX_TLS_DAYS, MAX_TLS_DAYS)));
            names = List.of(name);
        } else {
            if (domain.isPresent()) {
                throw ServiceException.invalid(
                        "domain", "A token-signing chain is not issued for a domain; leave 'domain' out.");
            }
            issued = platformCa.issueTokenSigning(
                    account.name(),
                    account.id(),
                    keyType,
                    Duration.ofDays(days(validityDays, DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS)));
            names = List.of();
        }
        return database.inTransaction(h -> {
            requireRoom(h, account, 1);
            PrivateChain chain =
                    store(h, account, ChainOrigin.GENERATED, EnumSet.of(purpose), names, issued, Optional.empty());
            tls.changed(h, account.id());
            audit.record(h, actor.username(), account.id(), AuditAction.CHAIN_GENERATED, describe(List.of(chain)));
            return chain;
        });
    }

    /**
     * Inside the transaction that takes back a certificate for a request made here: stores it as
     * a chain (origin {@link ChainOrigin#REQUESTED}) with the request's sealed key, as an import
     * would (room checked, the TLS edge told, audited, {@code chain.imported} published).
     */
    public PrivateChain storeRequested(
            Handle h, Principal actor, Account account, SignedChainImport.SignedChain signed, String keyId) {
        requireRoom(h, account, 1);
        PrivateChain chain = store(
                h,
                account,
                ChainOrigin.REQUESTED,
                signed.purposes(),
                signed.dnsNames(),
                signed.certificates(),
                keyId,
                Optional.empty());
        tls.changed(h, account.id());
        audit.record(h, actor.username(), account.id(), AuditAction.CHAIN_IMPORTED, describe(List.of(chain)));
        outbox.publish(h, Optional.of(account.id()), EventType.CHAIN_IMPORTED, ChainEvents.of(chain));
        return chain;
    }

    /** The CA certificates that may complete an account's chains: the platform CA's and the account's trusted CAs. */
    public List<X509Certificate> knownCas(Handle h, String accountId) {
        List<X509Certificate> known = new ArrayList<>(platformCa.caCertificates());
        trustedCas.ders(h, accountId).forEach(der -> known.add(CertificateCodec.decodeDer(der)));
        return known;
    }

    /**
     * Creates a new account's token-signing chain and makes it the signing chain, inside the
     * account's creating transaction.
     */
    public void createDefaultSigningChain(Handle h, Account account) {
        IssuedChain issued = platformCa.issueTokenSigning(
                account.name(), account.id(), KeyType.EC_P256, Duration.ofDays(DEFAULT_TOKEN_DAYS));
        PrivateChain chain = store(
                h,
                account,
                ChainOrigin.GENERATED,
                EnumSet.of(ChainPurpose.TOKEN_SIGNING),
                List.of(),
                issued,
                Optional.empty());
        settings.save(h, account.id(), SigningState.none().withSigning(Optional.of(chain.id())), clock.instant());
    }

    public List<PrivateChain> list(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> chains.ofAccount(h, account.id()));
    }

    public PrivateChain get(Principal actor, String accountId, String chainId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> chains.find(h, account.id(), chainId))
                .orElseThrow(() -> ServiceException.notFound("Chain " + chainId));
    }

    /** The chain's certificates, leaf first (never its key). */
    public List<X509Certificate> certificates(Principal actor, String accountId, String chainId) {
        PrivateChain chain = get(actor, accountId, chainId);
        return database.read(h -> chains.certificates(h, chain.id())).stream()
                .map(CertificateCodec::decodeDer)
                .toList();
    }

    /** What each certificate of these chains is, by chain id, for rendering. */
    public Map<String, List<CertificateInfo>> certificateInfos(List<PrivateChain> list) {
        return database.read(h -> {
            Map<String, List<CertificateInfo>> out = new HashMap<>();
            Map<String, Map<String, List<byte[]>>> byAccount = new HashMap<>();
            for (PrivateChain chain : list) {
                List<byte[]> ders = list.size() == 1
                        ? chains.certificates(h, chain.id())
                        : byAccount
                                .computeIfAbsent(chain.accountId(), a -> chains.certificatesOfAccount(h, a))
                                .getOrDefault(chain.id(), List.of());
                out.put(
                        chain.id(),
                        ders.stream()
                                .map(der -> CertificateInfo.of(CertificateCodec.decodeDer(der)))
                                .toList());
            }
            return out;
        });
    }

    /**
     * Deletes a chain and its key, unless the PKI settings use it (409 {@code chain_in_use}); a
     * generated one is revoked ({@code cessationOfOperation}) in the same transaction.
     */
    public void delete(Principal actor, String accountId, String chainId) {
        Account account = access.visibleAccount(actor, accountId);
        database.inTransaction(h -> {
            PrivateChain chain = chains.find(h, account.id(), chainId)
                    .orElseThrow(() -> ServiceException.notFound("Chain " + chainId));
            if (settings.uses(h, chain.id(), clock.instant())) {
                throw new ServiceException(
                        ErrorCode.CHAIN_IN_USE,
                        "The chain '" + chain.subject() + "' is in use by the PKI settings "
                                + "(token signing, a TLS binding, or a replaced signing key that tokens still in use verify with). "
                                + "Choose another chain there first, or wait until its tokens have expired.");
            }
            if (chain.origin() == ChainOrigin.GENERATED) {
                revocations.revoke(
                        h, chain, RevocationReason.CESSATION_OF_OPERATION); // the CA answers for it after it is gone
            }
            chains.delete(h, chain);
            tls.changed(h, account.id());
            audit.record(h, actor.username(), account.id(), AuditAction.CHAIN_DELETED, describe(List.of(chain)));
            outbox.publish(h, Optional.of(account.id()), EventType.CHAIN_DELETED, ChainEvents.of(chain));
            return null;
        });
    }

    /** Stores a chain and its sealed key; a generated one is recorded as issued and scheduled for its renewal. */
    PrivateChain store(
            Handle h,
            Account account,
            ChainOrigin origin,
            Set<ChainPurpose> purposes,
            List<String> names,
            IssuedChain issued,
            Optional<String> renewedFrom) {
        String keyId = vault.put(h, account.id(), issued.privateKey());
        return store(h, account, origin, purposes, names, issued.chain(), keyId, renewedFrom);
    }

    private PrivateChain store(
            Handle h,
            Account account,
            ChainOrigin origin,
            Set<ChainPurpose> purposes,
            List<String> names,
            List<X509Certificate> certificates,
            String keyId,
            Optional<String> renewedFrom) {
        X509Certificate leaf = certificates.get(0);
        CertificateInfo info = CertificateInfo.of(leaf);
        Instant now = clock.instant();
        PrivateChain chain = new PrivateChain(
                UUID.randomUUID().toString(),
                account.id(),
                origin,
                purposes,
                info.subject(),
                names,
                info.notBefore(),
                info.notAfter(),
                info.keyAlgorithm(),
                info.keySize(),
                info.sha256(),
                keyId,
                now);
        chains.insert(h, chain, certificates);
        if (origin == ChainOrigin.GENERATED) {
            issuedCertificates.record(
                    h,
                    leaf,
                    certificates.get(1),
                    purposes.contains(ChainPurpose.TLS_SERVER) ? IssuedFor.TLS_SERVER : IssuedFor.TOKEN_SIGNING,
                    Optional.of(account.id()),
                    Optional.of(chain.id()),
                    names,
                    now);
            renewals.schedule(
                    h,
                    chain.id(),
                    account.id(),
                    lifecycle.of(h, account.id()).renewAt(chain.notBefore(), chain.notAfter()),
                    renewedFrom);
        }
        return chain;
    }

    void requireRoom(Handle h, Account account, int adding) {
        int total = chains.count(h, account.id()) + adding;
        if (total > MAX_CHAINS_PER_ACCOUNT) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "An account holds at most " + MAX_CHAINS_PER_ACCOUNT + " private chains; delete some first.");
        }
    }

    private static int days(Optional<Integer> requested, int fallback, int max) {
        int days = requested.orElse(fallback);
        if (days < 1 || days > max) {
            throw ServiceException.invalid(
                    "validityDays", "validityDays must be between 1 and " + max + "; found " + days + ".");
        }
        return days;
    }

    private static String describe(List<PrivateChain> list) {
        return String.join(
                "; ",
                list.stream()
                        .map(c -> c.subject() + " (sha256 " + c.sha256() + ")")
                        .toList());
    }
}
