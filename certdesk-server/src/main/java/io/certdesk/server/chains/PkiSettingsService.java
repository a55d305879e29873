package io.certdesk.server.chains;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.names.NameMatching;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.TlsChanges;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.webhooks.EventType;
import io.certdesk.server.webhooks.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/** Reads and changes an account's PKI settings, checking every chain they name. */
public final class PkiSettingsService {
    /**
     * How long verifiers may cache the published keys (the JWKS {@code Cache-Control: max-age}):
     * a next signing chain is published at least this long before it signs.
     */
    public static final Duration KEY_CACHE_TIME = Duration.ofMinutes(5);
    /** How far ahead a next signing chain can be scheduled. */
    public static final Duration MAX_ACTIVATION_DELAY = Duration.ofDays(90);

    private final Database database;
    private final PkiSettingsStore store;
    private final ChainStore chains;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final TlsChanges tls;
    private final IssuedCertificateStore issued = new IssuedCertificateStore();
    private final Outbox outbox;

    public PkiSettingsService(
            Database database,
            PkiSettingsStore store,
            ChainStore chains,
            Access access,
            AuditLog audit,
            Clock clock,
            TlsChanges tls,
            Outbox outbox) {
        this.outbox = outbox;
        this.database = database;
        this.store = store;
        this.chains = chains;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.tls = tls;
    }

    public PkiSettings get(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> read(h, account.id()));
    }

    private PkiSettings read(Handle h, String accountId) {
        Instant now = clock.instant();
        SigningState state = store.state(h, accountId);
        Optional<PkiSettings.NextSigning> next = state.pendingAt(now)
                .map(id -> new PkiSettings.NextSigning(id, state.activateAt().orElseThrow()));
        return new PkiSettings(
                state.signingAt(now),
                next,
                state.lifetime(),
                store.bindings(h, accountId),
                store.publishedKeys(h, accountId, now));
    }

    /**
     * Replaces the settings. The signing chain must be one of the account's chains with a key
     * usable for JWS; every binding must name an account domain and a TLS_SERVER chain that
     * covers it. A replaced signing key stays published until every token it signed has expired;
     * with {@code activateAt}, the new one is published at once and signs from then on.
     */
    public PkiSettings put(Principal actor, String accountId, PkiSettings.Change change) {
        Account account = access.visibleAccount(actor, accountId);
        Instant now = clock.instant();
        Duration lifetime = lifetime(change.tokenLifetimeSeconds());
        Optional<String> signingChainId = change.signingChainId();
        // Whole seconds: what every database stores exactly, and what the answer shows back.
        Optional<Instant> activateAt = change.activateAt().map(at -> at.truncatedTo(ChronoUnit.SECONDS));
        if (activateAt.isPresent()) {
            if (signingChainId.isEmpty()) {
                throw ServiceException.invalid(
                        "activateAt", "activateAt schedules a signing chain: give signingChainId with it.");
            }
            Instant earliest = now.plus(KEY_CACHE_TIME);
            if (activateAt.get().isBefore(earliest) || activateAt.get().isAfter(now.plus(MAX_ACTIVATION_DELAY))) {
                throw ServiceException.invalid(
                        "activateAt",
                        "activateAt must be between " + KEY_CACHE_TIME.toMinutes() + " minutes (how long "
                                + "verifiers may cache the published keys) and " + MAX_ACTIVATION_DELAY.toDays()
                                + " days from now; leave it out to "
                                + "switch at once.");
            }
        }
        return database.inTransaction(h -> {
            // read once for the whole change
            Set<String> revoked =
                    RevocationService.revokedChains(h, account.id()).keySet();
            if (signingChainId.isPresent()) {
                PrivateChain chain = chains.find(h, account.id(), signingChainId.get())
                        .orElseThrow(() -> ServiceException.invalid(
                                "signingChainId", "signingChainId names no chain of this account."));
                if (revoked.contains(chain.id())) {
                    throw ServiceException.invalid(
                            "signingChainId",
                            "The chain '" + chain.subject() + "' is revoked: a revoked chain never signs.");
                }
                if (!jwsUsable(chain)) {
                    throw ServiceException.invalid(
                            "signingChainId",
                            "The chain '" + chain.subject() + "' has a " + chain.keyAlgorithm() + " key of "
                                    + chain.keySize()
                                    + " bits, which cannot sign tokens (RSA of 2048 bits or more, EC P-256/P-384/P-521, Ed25519).");
                }
            }
            Map<String, String> normalized = bindings(h, account, change.tlsBindings(), revoked);
            SigningState before = store.state(h, account.id()).settled(now);
            Optional<String> active = before.current();
            // Tokens signed by a retiring key may have been issued under the longer of the old and new lifetimes.
            Duration longest = max(before.longestLifetimeInForce(now), lifetime);
            SigningState after = before.withLifetime(lifetime, now);
            if (activateAt.isPresent() && !signingChainId.equals(active)) {
                after = after.withSigning(active).withNext(signingChainId.get(), activateAt.get());
                active.ifPresent(id -> store.retireSigningChain(
                        h, account.id(), id, activateAt.get().plus(longest).plus(SigningState.SKEW)));
            } else {
                after = after.withSigning(signingChainId);
                if (active.isPresent() && !active.equals(signingChainId)) {
                    store.retireSigningChain(
                            h, account.id(), active.get(), now.plus(longest).plus(SigningState.SKEW));
                }
            }
            signingChainId.ifPresent(id -> store.activate(h, account.id(), id));
            if (after.current().isPresent() && !after.current().equals(active)) { // switched at once
                Map<String, Object> event = new java.util.LinkedHashMap<>();
                event.put("chainId", after.current().get());
                event.put("previousChainId", active.orElse(null));
                event.put("activatedAt", now);
                outbox.publish(h, Optional.of(account.id()), EventType.SIGNING_KEY_ACTIVATED, event);
            }
            store.save(h, account.id(), after, now);
            store.replaceBindings(h, account.id(), normalized);
            tls.changed(h, account.id());
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.PKI_SETTINGS_CHANGED,
                    "signing chain " + signingChainId.orElse("none")
                            + activateAt.map(at -> " from " + at).orElse("") + "; token lifetime "
                            + lifetime.toSeconds() + " s; bindings " + normalized);
            return read(h, account.id());
        });
    }

    private Map<String, String> bindings(Handle h, Account account, Map<String, String> bindings, Set<String> revoked) {
        Map<String, String> normalized = new TreeMap<>();
        for (Map.Entry<String, String> binding : (bindings == null ? Map.<String, String>of() : bindings).entrySet()) {
            String domain = Inputs.domain(binding.getKey(), "tlsBindings");
            if (!account.domains().contains(domain)) {
                throw new PkiException(
                        PkiError.DOMAIN_NOT_ALLOWED, "'" + domain + "' is not a domain of this account.");
            }
            PrivateChain chain = chains.find(h, account.id(), String.valueOf(binding.getValue()))
                    .orElseThrow(() -> ServiceException.invalid(
                            "tlsBindings", "The binding of " + domain + " names no chain of this account."));
            if (!chain.purposes().contains(ChainPurpose.TLS_SERVER)
                    || chain.dnsNames().stream().noneMatch(name -> NameMatching.covers(name, domain))) {
                throw ServiceException.invalid(
                        "tlsBindings",
                        "The chain '" + chain.subject() + "' cannot serve " + domain + ": it is "
                                + (chain.purposes().contains(ChainPurpose.TLS_SERVER)
                                        ? "for " + String.join(", ", chain.dnsNames())
                                        : "not a TLS server chain")
                                + ".");
            }
            if (revoked.contains(chain.id())) {
                throw ServiceException.invalid(
                        "tlsBindings",
                        "The chain '" + chain.subject() + "' is revoked: a revoked chain is never served.");
            }
            normalized.put(domain, chain.id());
        }
        return normalized;
    }

    private static Duration lifetime(Optional<Long> seconds) {
        if (seconds.isEmpty()) {
            return SigningState.DEFAULT_LIFETIME;
        }
        Duration lifetime = Duration.ofSeconds(seconds.get());
        if (lifetime.compareTo(SigningState.MIN_LIFETIME) < 0 || lifetime.compareTo(SigningState.MAX_LIFETIME) > 0) {
            throw ServiceException.invalid(
                    "tokenLifetimeSeconds",
                    "tokenLifetimeSeconds must be between " + SigningState.MIN_LIFETIME.toSeconds() + " and "
                            + SigningState.MAX_LIFETIME.toSeconds() + " (24 hours).");
        }
        return lifetime;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** RSA of 2048 bits or more, EC P-256/384/521, Ed25519: what the token signer signs with (RS256, ES256/384/512, EdDSA). */
    static boolean jwsUsable(PrivateChain chain) {
        return switch (chain.keyAlgorithm()) {
            case "RSA" -> chain.keySize() >= 2048;
            case "EC" -> chain.keySize() == 256 || chain.keySize() == 384 || chain.keySize() == 521;
            case "Ed25519" -> true;
            default -> false;
        };
    }
}
