package io.certdesk.server.chains;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.names.DomainNames;
import io.certdesk.pki.names.NameMatching;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Access;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.ChainStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.PkiSettingsStore;

/** Reads and changes an account's PKI settings, checking every chain they name. */
public final class PkiSettingsService {
    /** How long a replaced signing key stays published: the longest token lifetime plus clock skew. */
    public static final java.time.Duration PASSIVE_FOR = PkiSettings.TOKEN_LIFETIME.plusMinutes(1);
    private final Database database;
    private final PkiSettingsStore store;
    private final ChainStore chains;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;

    public PkiSettingsService(Database database, PkiSettingsStore store, ChainStore chains, Access access, AuditLog audit, Clock clock) {
        this.database = database;
        this.store = store;
        this.chains = chains;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    public PkiSettings get(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> new PkiSettings(store.signingChain(h, account.id()), store.bindings(h, account.id())));
    }

    /**
     * Replaces the settings. The signing chain must be one of the account's chains with a key
     * usable for JWS; every binding must name an account domain and a TLS_SERVER chain that covers it.
     */
    public PkiSettings put(Principal actor, String accountId, Optional<String> signingChainId, Map<String, String> bindings) {
        Account account = access.visibleAccount(actor, accountId);
        return database.inTransaction(h -> {
            if (signingChainId.isPresent()) {
                PrivateChain chain = chains.find(h, account.id(), signingChainId.get()).orElseThrow(() -> ServiceException.invalid("signingChainId",
                        "signingChainId names no chain of this account."));
                if (!jwsUsable(chain)) {
                    throw ServiceException.invalid("signingChainId", "The chain '" + chain.subject() + "' has a " + chain.keyAlgorithm() + " key of "
                            + chain.keySize() + " bits, which cannot sign tokens (RSA of 2048 bits or more, EC P-256/P-384/P-521).");
                }
            }
            Map<String, String> normalized = new TreeMap<>();
            for (Map.Entry<String, String> binding : (bindings == null ? Map.<String, String>of() : bindings).entrySet()) {
                String domain = domain(binding.getKey());
                if (!account.domains().contains(domain)) {
                    throw new PkiException(PkiError.DOMAIN_NOT_ALLOWED, "'" + domain + "' is not a domain of this account.");
                }
                PrivateChain chain = chains.find(h, account.id(), String.valueOf(binding.getValue())).orElseThrow(() -> ServiceException.invalid("tlsBindings",
                        "The binding of " + domain + " names no chain of this account."));
                if (!chain.purposes().contains(ChainPurpose.TLS_SERVER)
                        || chain.dnsNames().stream().noneMatch(name -> NameMatching.covers(name, domain))) {
                    throw ServiceException.invalid("tlsBindings", "The chain '" + chain.subject() + "' cannot serve " + domain + ": it is "
                            + (chain.purposes().contains(ChainPurpose.TLS_SERVER) ? "for " + String.join(", ", chain.dnsNames()) : "not a TLS server chain")
                            + ".");
                }
                normalized.put(domain, chain.id());
            }
            Optional<String> previous = store.signingChain(h, account.id());
            if (previous.isPresent() && !previous.equals(signingChainId)) {
                // Tokens it signed stay valid for their lifetime: keep its key published until then.
                store.retireSigningChain(h, account.id(), previous.get(), clock.instant().plus(PASSIVE_FOR));
            }
            signingChainId.ifPresent(id -> store.activate(h, account.id(), id));
            store.setSigningChain(h, account.id(), signingChainId, clock.instant());
            store.replaceBindings(h, account.id(), normalized);
            audit.record(h, actor.username(), account.id(), AuditAction.PKI_SETTINGS_CHANGED,
                    "signing chain " + signingChainId.orElse("none") + "; bindings " + normalized);
            return new PkiSettings(signingChainId, normalized);
        });
    }

    /** RSA of 2048 bits or more, EC P-256/384/521: what the token signer signs with (RS256, ES256/384/512). */
    static boolean jwsUsable(PrivateChain chain) {
        return switch (chain.keyAlgorithm()) {
            case "RSA" -> chain.keySize() >= 2048;
            case "EC" -> chain.keySize() == 256 || chain.keySize() == 384 || chain.keySize() == 521;
            default -> false;
        };
    }

    private static String domain(String name) {
        try {
            return DomainNames.normalize(name);
        } catch (PkiException e) {
            throw ServiceException.invalid("tlsBindings", e.getMessage());
        }
    }

}
