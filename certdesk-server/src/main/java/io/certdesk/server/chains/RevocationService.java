package io.certdesk.server.chains;

import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.TlsChanges;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.webhooks.EventType;
import io.certdesk.server.webhooks.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Revoking what the platform CA issued: a generated chain of an account (by its admins), or any
 * serial (by the platform admin). A revoked chain is never served by the TLS edge and never signs:
 * the chain that signs tokens now cannot be revoked until another one is chosen; a NEXT signing
 * key is unscheduled and a PASSIVE one unpublished at once; TLS bindings to it are removed. Each
 * revocation is one transaction, and the first one of a certificate stands.
 */
public final class RevocationService {
    private final Database database;
    private final ChainStore chains;
    private final PkiSettingsStore settings;
    private final IssuedCertificateStore issued;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final TlsChanges tls;
    private final Runnable published;
    private final RenewalStore renewals = new RenewalStore();
    private final Outbox outbox;

    /** {@code published} runs after each revocation commits (the CRL and OCSP answers take it up at once). */
    public RevocationService(
            Database database,
            ChainStore chains,
            PkiSettingsStore settings,
            IssuedCertificateStore issued,
            Access access,
            AuditLog audit,
            Clock clock,
            TlsChanges tls,
            Runnable published,
            Outbox outbox) {
        this.outbox = outbox;
        this.database = database;
        this.chains = chains;
        this.settings = settings;
        this.issued = issued;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.tls = tls;
        this.published = published;
    }

    /** Revokes a chain the platform CA issued to the account; returns the revocation. */
    public IssuedCertificate.Revoked revokeChain(
            Principal actor, String accountId, String chainId, RevocationReason reason) {
        Account account = access.visibleAccount(actor, accountId);
        return database.inTransaction(h -> {
            PrivateChain chain = chains.find(h, account.id(), chainId)
                    .orElseThrow(() -> ServiceException.notFound("Chain " + chainId));
            if (chain.origin() != ChainOrigin.GENERATED) {
                throw new ServiceException(
                        ErrorCode.NOT_ISSUED_BY_PLATFORM,
                        "The chain '" + chain.subject() + "' was imported: the platform CA"
                                + " did not issue it, so only its own CA can revoke it. Delete it here to stop using it.");
            }
            IssuedCertificate.Revoked revoked = revoke(h, chain, reason)
                    .orElseThrow(() -> new ServiceException(
                            ErrorCode.ALREADY_REVOKED, "The chain '" + chain.subject() + "' is revoked already."));
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.CHAIN_REVOKED,
                    chain.subject() + " (sha256 " + chain.sha256() + "), reason " + reason.rfcName());
            return revoked;
        });
    }

    /**
     * Inside a change of the chain (its deletion): revokes it unless it is revoked already, with
     * the effects of {@link #revokeChain}; empty when there was nothing to revoke.
     */
    Optional<IssuedCertificate.Revoked> revoke(Handle h, PrivateChain chain, RevocationReason reason) {
        Optional<IssuedCertificate> record = issued.ofChain(h, chain.id());
        if (record.isEmpty() || record.get().revoked()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        SigningState state = settings.state(h, chain.accountId()).settled(now);
        if (state.signingAt(now).filter(chain.id()::equals).isPresent()) {
            throw new ServiceException(
                    ErrorCode.CHAIN_IN_USE,
                    "The chain '" + chain.subject() + "' signs the account's access tokens now:"
                            + " choose another signing chain in the PKI settings first, then revoke it.");
        }
        // the first revocation stands: a concurrent one that committed before ours leaves this update nothing to change
        if (!issued.revoke(h, record.get().issuerSha256(), record.get().serial(), now, reason)) {
            return Optional.empty();
        }
        h.afterCommit(published);
        renewals.ended(h, chain.id()); // a revoked chain is not renewed, nor revoked again as superseded
        if (state.pendingAt(now).filter(chain.id()::equals).isPresent()) {
            settings.save(
                    h,
                    chain.accountId(),
                    new SigningState(
                            state.current(),
                            Optional.empty(),
                            Optional.empty(),
                            state.lifetime(),
                            state.previousLifetime(),
                            state.lifetimeChangedAt()),
                    now);
        }
        settings.activate(h, chain.accountId(), chain.id()); // no longer published as a passive key
        Map<String, String> bindings = new java.util.TreeMap<>(settings.bindings(h, chain.accountId()));
        if (bindings.values().removeIf(chain.id()::equals)) {
            settings.replaceBindings(h, chain.accountId(), bindings);
        }
        tls.changed(h, chain.accountId());
        Map<String, Object> event = new java.util.LinkedHashMap<>(ChainEvents.of(chain));
        event.put("reason", reason.rfcName());
        event.put("revokedAt", now);
        outbox.publish(h, Optional.of(chain.accountId()), EventType.CHAIN_REVOKED, event);
        return Optional.of(new IssuedCertificate.Revoked(now, reason));
    }

    /** The revocations of the account's chains, by the platform CA or by their own CA, by chain id (for rendering). */
    public Map<String, ChainRevocation> revokedChains(String accountId) {
        return database.read(h -> revokedChains(h, accountId));
    }

    /** As above, inside a transaction. */
    static Map<String, ChainRevocation> revokedChains(Handle h, String accountId) {
        Map<String, ChainRevocation> all = new java.util.HashMap<>();
        new IssuerRevocationStore()
                .ofAccount(h, accountId)
                .forEach((id, r) ->
                        all.put(id, new ChainRevocation(r.revokedAt(), r.reason(), ChainRevocation.RevokedBy.ISSUER)));
        new IssuedCertificateStore()
                .revokedChainsOf(h, accountId)
                .forEach((id, r) -> all.put(
                        id, new ChainRevocation(r.at(), r.reason().rfcName(), ChainRevocation.RevokedBy.PLATFORM)));
        return all;
    }

    /**
     * The platform admin revokes any certificate the CA issued, by serial (hex) and, when one
     * serial is under several issuers, the issuer's SHA-256; a chain's certificate goes as
     * {@link #revokeChain} would.
     */
    public IssuedCertificate revokeSerial(
            Principal actor, String serial, Optional<String> issuerSha256, RevocationReason reason) {
        requirePlatformAdmin(actor);
        String wanted = normalizedSerial(serial);
        return database.inTransaction(h -> {
            List<IssuedCertificate> matches = issued.bySerial(h, wanted).stream()
                    .filter(c -> issuerSha256.isEmpty() || c.issuerSha256().equalsIgnoreCase(issuerSha256.get()))
                    .toList();
            if (matches.isEmpty()) {
                throw ServiceException.notFound("A certificate with serial " + wanted + " issued by the platform CA");
            }
            if (matches.size() > 1) {
                throw ServiceException.invalid(
                        "issuerSha256",
                        "Serial " + wanted + " was issued by " + matches.size()
                                + " of the platform's CAs: give issuerSha256 to say which.");
            }
            IssuedCertificate target = matches.get(0);
            if (target.revoked()) {
                throw alreadyRevoked(wanted);
            }
            Optional<PrivateChain> chain =
                    target.chainId().flatMap(id -> target.accountId().flatMap(a -> chains.find(h, a, id)));
            boolean revoked = chain.isPresent()
                    ? revoke(h, chain.get(), reason).isPresent()
                    : issued.revoke(h, target.issuerSha256(), target.serial(), clock.instant(), reason);
            if (!revoked) {
                throw alreadyRevoked(wanted);
            }
            if (chain.isEmpty()) {
                h.afterCommit(published); // revoke(h, …) above does it for a chain
            }
            audit.record(
                    h,
                    actor.username(),
                    target.accountId().orElse(null),
                    AuditAction.CERTIFICATE_REVOKED,
                    target.subject() + " (serial " + wanted + "), reason " + reason.rfcName());
            return issued.find(h, target.issuerSha256(), target.serial()).orElseThrow();
        });
    }

    /**
     * An account's admin revokes a certificate the platform CA signed for one of the account's
     * own requests (a device's CSR), by serial: 404 for a serial that is not such a certificate of
     * this account, 409 {@code already_revoked} for one revoked before.
     */
    public IssuedCertificate revokeSignedRequest(
            Principal actor, String accountId, String serial, RevocationReason reason) {
        Account account = access.visibleAccount(actor, accountId);
        String wanted = normalizedSerial(serial);
        IssuedCertificate target = database.read(h -> issued.bySerial(h, wanted).stream()
                        .filter(c -> c.accountId().filter(account.id()::equals).isPresent()
                                && io.certdesk.server.ca.IssuedFor.HELD_ELSEWHERE.contains(c.issuedFor()))
                        .findFirst())
                .orElseThrow(() -> ServiceException.notFound(
                        "A certificate with serial " + wanted + " signed for a request of this account"));
        if (!revokeIssued(actor.username(), account.id(), target, reason)) {
            throw alreadyRevoked(wanted);
        }
        return database.read(h -> issued.find(h, target.issuerSha256(), target.serial()))
                .orElseThrow();
    }

    /**
     * Revokes a certificate of the account that belongs to no chain (a device's, an ACME
     * client's), in one transaction with its audit record; false when it was revoked already.
     */
    public boolean revokeIssued(String actor, String accountId, IssuedCertificate target, RevocationReason reason) {
        return database.inTransaction(h -> {
            if (!issued.revoke(h, target.issuerSha256(), target.serial(), clock.instant(), reason)) {
                return false;
            }
            h.afterCommit(published);
            audit.record(
                    h,
                    actor,
                    accountId,
                    AuditAction.CERTIFICATE_REVOKED,
                    target.subject() + " (serial " + target.serial() + "), reason " + reason.rfcName());
            return true;
        });
    }

    /** Revoked certificates, newest revocation first (platform admin). */
    public List<IssuedCertificate> revocations(Principal actor, Optional<Instant> before, int limit) {
        requirePlatformAdmin(actor);
        return database.read(h -> issued.revoked(h, before, limit));
    }

    private static ServiceException alreadyRevoked(String serial) {
        return new ServiceException(
                ErrorCode.ALREADY_REVOKED, "The certificate with serial " + serial + " is revoked already.");
    }

    /** Only the platform admin revokes by serial or lists revocations (403 otherwise). */
    public static void requirePlatformAdmin(Principal actor) {
        if (!actor.isPlatformAdmin()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "Only the platform admin revokes certificates by serial.");
        }
    }

    /** A serial as the CA records it: lower-case hex without separators or leading zeros. */
    public static String normalizedSerial(String serial) {
        String hex = serial == null
                ? ""
                : serial.strip().replace(":", "").replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        if (hex.isEmpty() || hex.length() > 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw ServiceException.invalid(
                    "serial", "A serial is up to 40 hexadecimal digits (colons allowed), e.g. 3a:9f:01.");
        }
        return new java.math.BigInteger(hex, 16).toString(16);
    }
}
