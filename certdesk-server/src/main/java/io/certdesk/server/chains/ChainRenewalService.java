package io.certdesk.server.chains;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.account.TlsChanges;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.store.Database;
import io.certdesk.server.webhooks.EventType;
import io.certdesk.server.webhooks.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews generated chains, by hand or when their renewal is due, each in one transaction: the
 * platform CA issues a chain with the same names, key type and lifetime; a TLS chain's bindings
 * move to the new one, and the old one is revoked as {@code superseded} once the nodes serve the
 * new one; a signing chain's successor is published at once as NEXT, signs once verifiers caching
 * the JWKS have it, and the old key stays PASSIVE until every token it signed has expired, then is
 * revoked as superseded. The chain's row is locked ({@code FOR UPDATE SKIP LOCKED}) for the
 * renewal, so with many nodes each renewal happens once; a failed automatic renewal changes
 * nothing but its retry time and its report.
 */
public final class ChainRenewalService {
    private static final Logger log = LoggerFactory.getLogger(ChainRenewalService.class);
    /** How long the nodes may serve a renewed TLS chain's predecessor (each reloads within a second or two). */
    public static final Duration TLS_HANDOVER = Duration.ofMinutes(1);
    /** A renewed chain bound or made to sign again by hand is looked at again this much later. */
    static final Duration RETIRE_RECHECK = Duration.ofHours(1);

    static final Duration FIRST_RETRY = Duration.ofMinutes(5);
    static final Duration LONGEST_RETRY = Duration.ofHours(6);
    private static final String SYSTEM = "system";
    private static final int BATCH = 50;

    private final Database database;
    private final ChainService chainService;
    private final ChainStore chains;
    private final PkiSettingsStore settings;
    private final AccountStore accounts;
    private final Access access;
    private final PlatformCaService platformCa;
    private final RevocationService revocations;
    private final AuditLog audit;
    private final Clock clock;
    private final TlsChanges tls;
    private final RenewalStore renewals = new RenewalStore();
    private final IssuedCertificateStore issued = new IssuedCertificateStore();
    private final Outbox outbox;
    private final AtomicLong renewed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public ChainRenewalService(
            Database database,
            ChainService chainService,
            ChainStore chains,
            PkiSettingsStore settings,
            AccountStore accounts,
            Access access,
            PlatformCaService platformCa,
            RevocationService revocations,
            AuditLog audit,
            Clock clock,
            TlsChanges tls,
            Outbox outbox) {
        this.outbox = outbox;
        this.database = database;
        this.chainService = chainService;
        this.chains = chains;
        this.settings = settings;
        this.accounts = accounts;
        this.access = access;
        this.platformCa = platformCa;
        this.revocations = revocations;
        this.audit = audit;
        this.clock = clock;
        this.tls = tls;
    }

    /** Renews a generated chain of the account now, as its automatic renewal would; returns the new chain. */
    public PrivateChain renew(Principal actor, String accountId, String chainId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.inTransaction(h -> {
            PrivateChain chain = chains.find(h, account.id(), chainId)
                    .orElseThrow(() -> ServiceException.notFound("Chain " + chainId));
            if (chain.origin() != ChainOrigin.GENERATED) {
                throw new ServiceException(
                        ErrorCode.NOT_RENEWABLE,
                        "The chain '" + chain.subject() + "' was imported: its own CA renews it. Import the renewed"
                                + " PKCS#12 file and bind it in its place.");
            }
            // waits for a renewal of it in progress elsewhere, then finds it superseded
            ChainRenewal renewal = renewals.lock(h, chain.id(), Optional.empty(), false)
                    .orElseThrow(() -> ServiceException.notFound("Chain " + chainId));
            return renewLocked(h, actor.username(), chain, renewal, clock.instant());
        });
    }

    /** Where the renewal of each generated chain of the account stands, by chain id (for rendering). */
    public java.util.Map<String, ChainRenewal> renewalsOf(String accountId) {
        return database.read(h -> renewals.ofAccount(h, accountId));
    }

    /** Renewals done and failed since this node started. */
    public long renewedCount() {
        return renewed.get();
    }

    public long failedCount() {
        return failed.get();
    }

    /**
     * Renews what is due at {@code now} (a batch, soonest first), and revokes as superseded what
     * renewals replaced once nothing serves it; true when more may be due.
     */
    public boolean sweep() {
        Instant now = clock.instant();
        List<String> due = database.read(h -> renewals.due(h, now, BATCH));
        for (String chainId : due) {
            renewDue(chainId, now);
        }
        List<String> retiring = database.read(h -> renewals.retiring(h, now, BATCH));
        for (String chainId : retiring) {
            retire(chainId, now);
        }
        List<String> activations = database.read(h -> settings.activationsDue(h, now, BATCH));
        for (String accountId : activations) {
            activate(accountId, now);
        }
        return due.size() == BATCH || retiring.size() == BATCH || activations.size() == BATCH;
    }

    /**
     * Records a scheduled signing chain's activation once its time has come (tokens are signed by
     * it from then on either way) and tells the account: once, by whichever node locks it first.
     */
    private void activate(String accountId, Instant now) {
        database.inTransaction(h -> {
            if (!settings.lockDueActivation(h, accountId, now)) {
                return null;
            }
            SigningState state = settings.state(h, accountId);
            SigningState settled = state.settled(now);
            settings.save(h, accountId, settled, now);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("chainId", settled.current().orElse(null));
            event.put("previousChainId", state.current().orElse(null));
            event.put("activatedAt", state.activateAt().orElse(now));
            outbox.publish(h, Optional.of(accountId), EventType.SIGNING_KEY_ACTIVATED, event);
            return null;
        });
    }

    private void renewDue(String chainId, Instant now) {
        try {
            Optional<PrivateChain> fresh = database.inTransaction(h -> {
                Optional<ChainRenewal> renewal = renewals.lock(h, chainId, Optional.of(now), true);
                Optional<PrivateChain> chain = renewal.flatMap(r -> chains.byId(h, chainId));
                if (chain.isEmpty()) {
                    return Optional.<PrivateChain>empty(); // renewed by another node, or gone
                }
                return Optional.of(renewLocked(h, SYSTEM, chain.get(), renewal.get(), now));
            });
            if (fresh.isPresent()) {
                renewed.incrementAndGet();
                log.info("Renewed chain {} as {}", chainId, fresh.get().id());
            }
        } catch (ServiceException e) {
            if (e.code() == ErrorCode.ALREADY_RENEWED
                    || e.code() == ErrorCode.ALREADY_REVOKED
                    || e.code() == ErrorCode.NOT_RENEWABLE) {
                database.inTransaction(h -> {
                    renewals.ended(h, chainId); // nothing to renew: not a failure
                    return null;
                });
            } else {
                failed(chainId, e.code().code(), e.getMessage(), now);
            }
        } catch (PkiException e) {
            failed(chainId, e.error().code(), e.getMessage(), now);
        } catch (RuntimeException e) {
            log.warn("Renewing chain {} failed", chainId, e);
            failed(chainId, ErrorCode.INTERNAL_ERROR.code(), "The renewal failed (see the server log).", now);
        }
    }

    private void failed(String chainId, String code, String message, Instant now) {
        failed.incrementAndGet();
        log.warn("Renewing chain {} failed: {} ({})", chainId, message, code);
        database.inTransaction(h -> {
            Optional<ChainRenewal> renewal = renewals.lock(h, chainId, Optional.of(now), true);
            Optional<PrivateChain> chain = renewal.flatMap(r -> chains.byId(h, chainId));
            if (chain.isEmpty()) {
                return null;
            }
            Instant retry = now.plus(retryDelay(renewal.get().failures() + 1));
            renewals.failed(h, chainId, code, message, now, retry);
            Map<String, Object> event = new LinkedHashMap<>(ChainEvents.of(chain.get()));
            event.put("code", code);
            event.put("message", message);
            event.put("failures", renewal.get().failures() + 1);
            event.put("retryAt", retry);
            outbox.publish(h, Optional.of(chain.get().accountId()), EventType.CHAIN_RENEWAL_FAILED, event);
            audit.record(
                    h,
                    SYSTEM,
                    chain.get().accountId(),
                    AuditAction.CHAIN_RENEWAL_FAILED,
                    chain.get().subject() + " (sha256 " + chain.get().sha256() + "): " + message + " (" + code
                            + "); retried at " + retry);
            return null;
        });
    }

    /** 5 minutes after the first failure, doubling up to 6 hours. */
    static Duration retryDelay(int failures) {
        Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 16));
        return delay.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : delay;
    }

    private void retire(String chainId, Instant now) {
        database.inTransaction(h -> {
            if (!renewals.lockRetiring(h, chainId, now)) {
                return null;
            }
            Optional<PrivateChain> chain = chains.byId(h, chainId);
            if (chain.isEmpty()) {
                return null;
            }
            if (settings.uses(h, chainId, now)) {
                // bound or made to sign again by hand since its renewal: revoked once that ends
                renewals.postponeRetirement(h, chainId, now.plus(RETIRE_RECHECK));
                return null;
            }
            revocations
                    .revoke(h, chain.get(), RevocationReason.SUPERSEDED)
                    .ifPresent(r -> audit.record(
                            h,
                            SYSTEM,
                            chain.get().accountId(),
                            AuditAction.CHAIN_REVOKED,
                            chain.get().subject() + " (sha256 " + chain.get().sha256()
                                    + "), reason superseded: renewed, and no longer served or verified with"));
            renewals.ended(h, chainId);
            return null;
        });
    }

    private PrivateChain renewLocked(Handle h, String actorName, PrivateChain old, ChainRenewal renewal, Instant now) {
        if (renewal.superseded()) {
            throw new ServiceException(
                    ErrorCode.ALREADY_RENEWED,
                    "The chain '" + old.subject() + "' was renewed already"
                            + renewal.renewedBy()
                                    .map(id -> " (by chain " + id + ")")
                                    .orElse("")
                            + ": renew the chain that replaced it.");
        }
        if (issued.ofChain(h, old.id()).map(IssuedCertificate::revoked).orElse(false)) {
            throw new ServiceException(
                    ErrorCode.ALREADY_REVOKED, "The chain '" + old.subject() + "' is revoked: it is not renewed.");
        }
        Account account = accounts.find(h, old.accountId()).orElseThrow();
        SigningState state = settings.state(h, account.id()).settled(now);
        boolean signsNow = state.signingAt(now).filter(old.id()::equals).isPresent();
        boolean isNext = state.pendingAt(now).filter(old.id()::equals).isPresent();
        boolean signing = old.purposes().contains(ChainPurpose.TOKEN_SIGNING);
        if (signing && !signsNow && !isNext && settings.uses(h, old.id(), now)) {
            throw new ServiceException(
                    ErrorCode.NOT_RENEWABLE,
                    "The chain '" + old.subject() + "' was replaced as the signing chain and stays published only"
                            + " until the tokens it signed have expired: it is not renewed.");
        }
        if (signsNow && state.pendingAt(now).isPresent()) {
            throw new ServiceException(
                    ErrorCode.SIGNING_CHANGE_PENDING,
                    "Another signing chain (" + state.pendingAt(now).get() + ") takes over at "
                            + state.activateAt().orElseThrow()
                            + ": the signing chain is renewed after that, or change the PKI settings first.");
        }
        chainService.requireRoom(h, account, 1);
        KeyType keyType = keyTypeOf(old);
        Duration life = CertificateIssuer.validityAsIssued(old.notBefore(), old.notAfter());
        IssuedChain issuedChain;
        if (signing) {
            issuedChain = platformCa.issueTokenSigning(
                    account.name(), account.id(), keyType, atMost(life, ChainService.MAX_TOKEN_DAYS));
        } else {
            for (String name : old.dnsNames()) {
                if (!account.domains().contains(name)) {
                    throw new PkiException(
                            PkiError.DOMAIN_NOT_ALLOWED,
                            "'" + name
                                    + "' is no longer a domain of this account: the chain cannot be renewed for it.");
                }
            }
            issuedChain = platformCa.issueTls(old.dnsNames().get(0), keyType, atMost(life, ChainService.MAX_TLS_DAYS));
        }
        PrivateChain fresh = chainService.store(
                h, account, ChainOrigin.GENERATED, old.purposes(), old.dnsNames(), issuedChain, Optional.of(old.id()));
        Instant retireAt;
        if (!signing) {
            settings.moveBindings(h, old.id(), fresh.id());
            retireAt = now.plus(TLS_HANDOVER);
        } else if (signsNow) {
            Instant activateAt = now.plus(PkiSettingsService.KEY_CACHE_TIME)
                    .truncatedTo(ChronoUnit.SECONDS)
                    .plusSeconds(1);
            retireAt = activateAt.plus(state.longestLifetimeInForce(now)).plus(SigningState.SKEW);
            settings.save(h, account.id(), state.withNext(fresh.id(), activateAt), now);
            settings.retireSigningChain(h, account.id(), old.id(), retireAt);
        } else if (isNext) {
            Instant earliest = now.plus(PkiSettingsService.KEY_CACHE_TIME)
                    .truncatedTo(ChronoUnit.SECONDS)
                    .plusSeconds(1);
            Instant activateAt =
                    state.activateAt().filter(at -> at.isAfter(earliest)).orElse(earliest);
            settings.save(h, account.id(), state.withNext(fresh.id(), activateAt), now);
            retireAt = now; // it never signed
        } else {
            retireAt = now; // nothing signed with it
        }
        renewals.superseded(h, old.id(), fresh.id(), now, retireAt);
        tls.changed(h, account.id());
        Map<String, Object> event = new LinkedHashMap<>(ChainEvents.of(fresh));
        event.put("renewedFrom", old.id());
        event.put("previousSha256", old.sha256());
        event.put("previousNotAfter", old.notAfter());
        event.put("automatic", actorName.equals(SYSTEM));
        outbox.publish(h, Optional.of(account.id()), EventType.CHAIN_RENEWED, event);
        audit.record(
                h,
                actorName,
                account.id(),
                AuditAction.CHAIN_RENEWED,
                old.subject() + " (sha256 " + old.sha256() + ") renewed as chain " + fresh.id() + " (sha256 "
                        + fresh.sha256() + ", until " + fresh.notAfter() + ")");
        return fresh;
    }

    private static Duration atMost(Duration life, int days) {
        Duration max = Duration.ofDays(days);
        return life.compareTo(max) > 0 ? max : life;
    }

    /** The key type of a generated chain's key, as it was generated. */
    static KeyType keyTypeOf(PrivateChain chain) {
        return Arrays.stream(KeyType.values())
                .filter(t -> t.algorithm().equals(chain.keyAlgorithm())
                        && (t == KeyType.ED25519 || t.bits() == chain.keySize()))
                .findFirst()
                .orElseThrow(() -> new ServiceException(
                        ErrorCode.NOT_RENEWABLE,
                        "The chain '" + chain.subject() + "' has a " + chain.keyAlgorithm() + " key of "
                                + chain.keySize() + " bits, which the platform CA no longer generates."));
    }
}
