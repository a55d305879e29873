package io.certdesk.server.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWK;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.names.DomainNames;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.server.Background;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.acme.AcmeRecords.AcmeAccount;
import io.certdesk.server.acme.AcmeRecords.AcmeSettings;
import io.certdesk.server.acme.AcmeRecords.Authorization;
import io.certdesk.server.acme.AcmeRecords.Challenge;
import io.certdesk.server.acme.AcmeRecords.Order;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.chains.LifecycleSettingsStore;
import io.certdesk.server.chains.RevocationService;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.outbound.AcmeChallenges;
import io.certdesk.server.store.Database;
import java.math.BigInteger;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACME server of each account (RFC 8555): accounts bound by EAB to the Certdesk account,
 * orders for the account's own domains only, http-01 and tls-alpn-01 validation through the
 * outbound guard (or none, when the account counts its domains as validated), certificates from
 * the platform CA recorded, revocable and tracked like every other, and renewal information
 * (RFC 9773). Every change is one transaction; the JWS of each request is checked before.
 */
public final class AcmeService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AcmeService.class);
    public static final Duration ORDER_LIFETIME = Duration.ofDays(7);
    public static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(90);
    public static final int MAX_IDENTIFIERS = 100;
    /** New orders an account may place in an hour (all its ACME accounts together). */
    public static final int MAX_CONTACTS = 10;
    /** A challenge left processing this long (its node went away) may be asked again. */
    static final Duration STALE_PROCESSING = Duration.ofMinutes(2);

    private final Database database;
    private final AcmeStore store = new AcmeStore();
    private final AccountStore accounts;
    private final KeyVault vault;
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;
    private final RevocationService revocations;
    private final AcmeChallenges challenges;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Optional<Provider> signatures;
    private final Nonces nonces;
    private final ExecutorService validators = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "certdesk-acme-validation");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService sweep = Background.thread("certdesk-acme-sweep");

    public AcmeService(
            Database database,
            AccountStore accounts,
            KeyVault vault,
            PlatformCaService platformCa,
            IssuedCertificateStore issued,
            RevocationService revocations,
            AcmeChallenges challenges,
            AuditLog audit,
            Clock clock,
            SecureRandom random,
            Optional<Provider> signatures) {
        this.database = database;
        this.accounts = accounts;
        this.vault = vault;
        this.platformCa = platformCa;
        this.issued = issued;
        this.revocations = revocations;
        this.challenges = challenges;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.signatures = signatures;
        this.nonces = Nonces.load(database, vault, clock, random);
    }

    /** Starts the sweep that ends expired orders and forgets old nonces, every minute. */
    public AcmeService start() {
        sweep.scheduleWithFixedDelay(this::housekeeping, 30, 60, TimeUnit.SECONDS);
        return this;
    }

    private void housekeeping() {
        try {
            database.inTransaction(h -> store.expire(h, clock.instant()) + nonces.prune(h));
        } catch (RuntimeException e) {
            log.warn("ACME housekeeping failed; trying again in a minute", e);
        }
    }

    @Override
    public void close() {
        Background.stop(sweep, Duration.ofSeconds(5));
        // a validation under way writes its outcome: it is let finish (its outbound calls have their own deadlines)
        Background.stop(validators, Duration.ofSeconds(10));
    }

    public String nonce() {
        return nonces.next();
    }

    /** The Certdesk account an ACME directory serves; not found when there is none by that id. */
    public Account directoryAccount(String accountId) {
        return database.read(h -> accounts.find(h, accountId))
                .orElseThrow(() -> AcmeException.notFound("This ACME directory"));
    }

    /** Who signed a request: its ACME account (by kid) or a bare key (by jwk). */
    public record Caller(Optional<AcmeAccount> account, JWK key) {
        AcmeAccount requireAccount() {
            return account.orElseThrow(
                    () -> AcmeException.malformed("This request is signed by an account ('kid'), not a key ('jwk')."));
        }
    }

    /**
     * Checks a request's JWS: sent to {@code url}, a nonce of ours not taken before, signed by the
     * ACME account its kid names ({@code accountUrlPrefix} + id) or, where {@code keyAllowed}, by
     * the key its jwk holds.
     */
    public Caller authenticate(
            String accountId, AcmeJws.Parsed parsed, String url, String accountUrlPrefix, boolean keyAllowed) {
        if (!parsed.url().equals(url)) {
            throw AcmeException.unauthorized("The JWS was signed for " + parsed.url() + " but sent to " + url + ".");
        }
        if (!nonces.take(parsed.nonce())) {
            throw new AcmeException(
                    AcmeError.BAD_NONCE, "The nonce is not one this server gave, too old, or used before.");
        }
        if (parsed.jwk().isPresent()) {
            if (!keyAllowed) {
                throw AcmeException.malformed("This request is signed by an account ('kid'), not a key ('jwk').");
            }
            AcmeJws.verify(parsed, parsed.jwk().get(), signatures);
            return new Caller(Optional.empty(), parsed.jwk().get());
        }
        String kid = parsed.kid().orElseThrow();
        if (!kid.startsWith(accountUrlPrefix)) {
            throw new AcmeException(AcmeError.ACCOUNT_DOES_NOT_EXIST, "The kid is not an account of this directory.");
        }
        String id = kid.substring(accountUrlPrefix.length());
        AcmeAccount account = database.read(h -> store.account(h, accountId, id))
                .orElseThrow(() -> new AcmeException(AcmeError.ACCOUNT_DOES_NOT_EXIST, "No account " + id + " here."));
        JWK key = parseJwk(account.jwk());
        AcmeJws.verify(parsed, key, signatures);
        if (!account.valid()) {
            throw AcmeException.unauthorized("The account is " + account.status() + ".");
        }
        return new Caller(Optional.of(account), key);
    }

    /** What newAccount did: the account, and whether it was made now (201) or existed (200). */
    public record AccountResult(AcmeAccount account, boolean created) {}

    public AccountResult newAccount(String accountId, Caller caller, JsonNode payload, String newAccountUrl) {
        String thumbprint = AcmeJws.thumbprint(caller.key());
        Optional<AcmeAccount> existing = database.read(h -> store.accountByKey(h, accountId, thumbprint));
        if (existing.isPresent()) {
            return new AccountResult(existing.get(), false);
        }
        if (payload.path("onlyReturnExisting").asBoolean(false)) {
            throw new AcmeException(AcmeError.ACCOUNT_DOES_NOT_EXIST, "No account has this key.");
        }
        if (!payload.path("termsOfServiceAgreed").asBoolean(false) && payload.has("termsOfServiceAgreed")) {
            throw AcmeException.malformed("The terms of service must be agreed to.");
        }
        List<String> contact = contacts(payload.path("contact"));
        JsonNode eab = payload.path("externalAccountBinding");
        if (eab.isMissingNode() || eab.isNull()) {
            throw new AcmeException(
                    AcmeError.EXTERNAL_ACCOUNT_REQUIRED,
                    "This directory requires external account binding: an admin of the account creates EAB"
                            + " credentials in Certdesk (key id and HMAC key) for the client.");
        }
        AcmeJws.Binding binding = AcmeJws.readBinding(eab, newAccountUrl, caller.key());
        return database.inTransaction(h -> {
            String[] credential = store.lockEab(h, accountId, binding.keyId())
                    .orElseThrow(() ->
                            AcmeException.unauthorized("No EAB credential " + binding.keyId() + " in this account."));
            byte[] key = vault.secret(h, credential[0]);
            try {
                if (!AcmeJws.macVerifies(binding, key)) {
                    throw AcmeException.unauthorized(
                            "The externalAccountBinding's MAC does not verify with that credential.");
                }
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
            }
            if (credential[1] != null) {
                throw AcmeException.unauthorized(
                        "The EAB credential " + binding.keyId() + " is bound to another ACME account already.");
            }
            Instant now = clock.instant();
            AcmeAccount account = new AcmeAccount(
                    UUID.randomUUID().toString(),
                    accountId,
                    thumbprint,
                    caller.key().toPublicJWK().toJSONString(),
                    "valid",
                    contact,
                    binding.keyId(),
                    now);
            store.insertAccount(h, account);
            store.bindEab(h, binding.keyId(), account.id(), now);
            audit.record(
                    h,
                    "acme:" + account.id(),
                    accountId,
                    AuditAction.ACME_ACCOUNT_CREATED,
                    "ACME account " + account.id() + " bound by EAB " + binding.keyId());
            return new AccountResult(account, true);
        });
    }

    /** The account as it is, or updated by its payload (contact; status "deactivated"). */
    public AcmeAccount updateAccount(Caller caller, JsonNode payload) {
        AcmeAccount account = caller.requireAccount();
        if (payload.isEmpty()) {
            return account;
        }
        String status = payload.path("status").asText(account.status());
        if (!status.equals(account.status()) && !status.equals("deactivated")) {
            throw AcmeException.malformed("An account's status can only be changed to 'deactivated'.");
        }
        List<String> contact = payload.has("contact") ? contacts(payload.get("contact")) : account.contact();
        return database.inTransaction(h -> {
            store.updateAccount(h, account.id(), status, contact);
            if (status.equals("deactivated") && !account.status().equals("deactivated")) {
                audit.record(
                        h,
                        "acme:" + account.id(),
                        account.accountId(),
                        AuditAction.ACME_ACCOUNT_DEACTIVATED,
                        "ACME account " + account.id() + " deactivated by its key");
            }
            return store.account(h, account.accountId(), account.id()).orElseThrow();
        });
    }

    /**
     * Moves the account to a new key (RFC 8555 §7.3.5): the inner JWS is signed by the new key
     * over {account, oldKey}, for the same URL; a key another account holds is refused.
     */
    public AcmeAccount keyChange(Caller caller, AcmeJws.Parsed outer, String accountUrl) {
        AcmeAccount account = caller.requireAccount();
        JsonNode inner = outer.json();
        JWSObject jws;
        JWK newKey;
        try {
            jws = new JWSObject(
                    new com.nimbusds.jose.util.Base64URL(inner.path("protected").asText()),
                    new com.nimbusds.jose.util.Base64URL(inner.path("payload").asText()),
                    new com.nimbusds.jose.util.Base64URL(inner.path("signature").asText()));
            newKey = jws.getHeader().getJWK();
        } catch (ParseException | RuntimeException e) {
            throw AcmeException.malformed("The key change payload is not a JWS.");
        }
        if (newKey == null || jws.getHeader().getKeyID() != null) {
            throw AcmeException.malformed("The inner JWS of a key change names the new key in 'jwk'.");
        }
        if (!outer.url().equals(jws.getHeader().getCustomParam("url"))) {
            throw AcmeException.malformed("The inner JWS's url is not the keyChange URL.");
        }
        AcmeJws.Parsed innerParsed = new AcmeJws.Parsed(
                jws,
                "",
                outer.url(),
                Optional.empty(),
                Optional.of(newKey),
                jws.getPayload().toBytes());
        AcmeJws.verify(innerParsed, newKey, signatures);
        JsonNode body = innerParsed.json();
        if (!accountUrl.equals(body.path("account").asText())) {
            throw AcmeException.malformed("The key change names another account.");
        }
        try {
            JWK old = JWK.parse(body.path("oldKey").toString());
            if (!AcmeJws.thumbprint(old).equals(account.thumbprint())) {
                throw AcmeException.malformed("oldKey is not the account's key.");
            }
        } catch (ParseException e) {
            throw AcmeException.malformed("oldKey is not a JWK.");
        }
        String thumbprint = AcmeJws.thumbprint(newKey);
        return database.inTransaction(h -> {
            Optional<AcmeAccount> holder = store.accountByKey(h, account.accountId(), thumbprint);
            if (holder.isPresent()) {
                throw new AcmeException(AcmeError.MALFORMED, "Another account has that key already.");
            }
            store.changeKey(h, account.id(), thumbprint, newKey.toPublicJWK().toJSONString());
            return store.account(h, account.accountId(), account.id()).orElseThrow();
        });
    }

    /** An order with its authorizations, as the client sees it. */
    public record OrderView(Order order, List<Authorization> authorizations) {}

    public OrderView newOrder(Caller caller, JsonNode payload) {
        AcmeAccount acme = caller.requireAccount();
        if (payload.hasNonNull("notBefore") || payload.hasNonNull("notAfter")) {
            throw AcmeException.malformed(
                    "notBefore and notAfter are not taken: certificates are valid 90 days from issuance.");
        }
        JsonNode ids = payload.path("identifiers");
        if (!ids.isArray() || ids.isEmpty()) {
            throw AcmeException.malformed("An order names its identifiers: [{\"type\":\"dns\",\"value\":…}].");
        }
        if (ids.size() > MAX_IDENTIFIERS) {
            throw new AcmeException(
                    AcmeError.REJECTED_IDENTIFIER, "An order names at most " + MAX_IDENTIFIERS + " identifiers.");
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode id : ids) {
            if (!"dns".equals(id.path("type").asText())) {
                throw new AcmeException(
                        AcmeError.UNSUPPORTED_IDENTIFIER,
                        "Only 'dns' identifiers are issued for; found '"
                                + id.path("type").asText() + "'.");
            }
            String value = id.path("value").asText();
            if (value.startsWith("*.")) {
                throw new AcmeException(
                        AcmeError.REJECTED_IDENTIFIER, "Wildcards are not issued here (" + value + ").");
            }
            String name;
            try {
                name = DomainNames.normalizeHost(value);
            } catch (PkiException e) {
                throw new AcmeException(AcmeError.REJECTED_IDENTIFIER, "'" + value + "' is not a DNS name.");
            }
            names.add(name);
        }
        Optional<String> replaces = Optional.ofNullable(payload.path("replaces").textValue());
        return database.inTransaction(h -> {
            Account account = accounts.find(h, acme.accountId()).orElseThrow();
            List<String> foreign =
                    names.stream().filter(n -> !account.domains().contains(n)).toList();
            if (!foreign.isEmpty()) {
                throw new AcmeException(
                        AcmeError.REJECTED_IDENTIFIER,
                        String.join(", ", foreign) + (foreign.size() == 1 ? " is" : " are")
                                + " not among this account's domains: it issues only for those.");
            }
            Instant now = clock.instant();
            AcmeSettings settings = store.settings(h, account.id());
            int recent = store.ordersSince(h, account.id(), now.minus(Duration.ofHours(1)));
            if (recent >= settings.ordersPerHour()) {
                throw new AcmeException(
                        AcmeError.RATE_LIMITED,
                        "This account placed " + recent + " orders in the last hour, the most it may.",
                        Optional.of(600L));
            }
            boolean prevalidated = settings.domainsPrevalidated();
            Order order = new Order(
                    UUID.randomUUID().toString(),
                    acme.id(),
                    account.id(),
                    prevalidated ? "ready" : "pending",
                    List.copyOf(names),
                    now.plus(ORDER_LIFETIME),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    replaces,
                    now);
            store.insertOrder(h, order);
            for (String name : names) {
                Authorization authz = new Authorization(
                        UUID.randomUUID().toString(),
                        order.id(),
                        name,
                        prevalidated ? "valid" : "pending",
                        order.expiresAt());
                store.insertAuthorization(h, authz);
                for (String type : List.of("http-01", "tls-alpn-01")) {
                    store.insertChallenge(
                            h,
                            new Challenge(
                                    UUID.randomUUID().toString(),
                                    authz.id(),
                                    type,
                                    token(),
                                    prevalidated ? "valid" : "pending",
                                    prevalidated ? Optional.of(now) : Optional.empty(),
                                    Optional.empty()));
                }
            }
            return new OrderView(order, store.authorizationsOf(h, order.id()));
        });
    }

    public OrderView order(Caller caller, String orderId) {
        AcmeAccount acme = caller.requireAccount();
        return database.read(h -> {
            Order order = owned(store.order(h, acme.accountId(), orderId, false), acme, "Order " + orderId);
            return new OrderView(order, store.authorizationsOf(h, order.id()));
        });
    }

    public List<String> orderIds(Caller caller) {
        AcmeAccount acme = caller.requireAccount();
        return database.read(h -> store.orderIdsOf(h, acme.id(), 100));
    }

    /** An authorization with its challenges. */
    public record AuthorizationView(Authorization authorization, List<Challenge> challenges) {}

    /** The authorization, or deactivated by a payload {"status": "deactivated"}. */
    public AuthorizationView authorization(Caller caller, String authzId, JsonNode payload) {
        AcmeAccount acme = caller.requireAccount();
        if (payload.has("status")
                && !"deactivated".equals(payload.path("status").asText())) {
            throw AcmeException.malformed("An authorization's status can only be changed to 'deactivated'.");
        }
        return database.inTransaction(h -> {
            Authorization authz = store.authorization(h, acme.accountId(), authzId, payload.has("status"))
                    .orElseThrow(() -> AcmeException.notFound("Authorization " + authzId));
            owned(store.order(h, acme.accountId(), authz.orderId(), false), acme, "Authorization " + authzId);
            if (payload.has("status") && !authz.status().equals("deactivated")) {
                store.setAuthorizationStatus(h, authz.id(), "deactivated");
                store.setOrderStatus(h, authz.orderId(), "invalid", Optional.of("an authorization was deactivated"));
                authz = store.authorization(h, acme.accountId(), authzId, false).orElseThrow();
            }
            return new AuthorizationView(authz, store.challengesOf(h, authz.id()));
        });
    }

    /** A challenge, and (for a payload of {}) its validation started, answered while it runs. */
    public Challenge challenge(Caller caller, String challengeId, boolean respond) {
        AcmeAccount acme = caller.requireAccount();
        Instant now = clock.instant();
        Challenge[] started = new Challenge[1];
        String[] name = new String[1];
        Challenge answer = database.inTransaction(h -> {
            Challenge c = store.challenge(h, acme.accountId(), challengeId, respond)
                    .orElseThrow(() -> AcmeException.notFound("Challenge " + challengeId));
            Authorization authz = store.authorization(h, acme.accountId(), c.authzId(), respond)
                    .orElseThrow();
            owned(store.order(h, acme.accountId(), authz.orderId(), false), acme, "Challenge " + challengeId);
            boolean stale = c.status().equals("processing")
                    && c.validatedAt()
                            .map(at -> at.plus(STALE_PROCESSING).isBefore(now))
                            .orElse(true);
            if (respond && authz.status().equals("pending") && (c.status().equals("pending") || stale)) {
                // validated_at holds when processing started, until the outcome replaces it
                store.setChallenge(h, c.id(), "processing", Optional.of(now), Optional.empty());
                started[0] = c;
                name[0] = authz.identifier();
                return store.challenge(h, acme.accountId(), challengeId, false).orElseThrow();
            }
            return c;
        });
        if (started[0] != null) {
            String keyAuthorization = started[0].token() + "." + acme.thumbprint();
            validators.execute(() -> validate(acme, started[0], name[0], keyAuthorization));
        }
        return answer;
    }

    private void validate(AcmeAccount acme, Challenge c, String name, String keyAuthorization) {
        Optional<AcmeChallenges.Failure> failure;
        try {
            failure = c.type().equals("http-01")
                    ? challenges.http01(name, c.token(), keyAuthorization)
                    : challenges.tlsAlpn01(name, keyAuthorization);
        } catch (RuntimeException e) {
            log.warn("ACME validation of {} ({}) failed unexpectedly", name, c.type(), e);
            failure = Optional.of(new AcmeChallenges.Failure("serverInternal", "The validation could not run."));
        }
        Optional<AcmeChallenges.Failure> outcome = failure;
        try {
            database.inTransaction(h -> {
                Challenge now =
                        store.challenge(h, acme.accountId(), c.id(), true).orElseThrow();
                if (!now.status().equals("processing")) {
                    return null;
                }
                Authorization authz = store.authorization(h, acme.accountId(), c.authzId(), true)
                        .orElseThrow();
                Instant at = clock.instant();
                if (outcome.isEmpty()) {
                    store.setChallenge(h, c.id(), "valid", Optional.of(at), Optional.empty());
                    if (authz.status().equals("pending")) {
                        store.setAuthorizationStatus(h, authz.id(), "valid");
                    }
                } else {
                    store.setChallenge(
                            h,
                            c.id(),
                            "invalid",
                            Optional.of(at),
                            Optional.of(
                                    outcome.get().type() + "\n" + outcome.get().detail()));
                    store.setAuthorizationStatus(h, authz.id(), "invalid");
                }
                settleOrder(h, acme.accountId(), authz.orderId());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Recording the ACME validation of {} failed", name, e);
        }
    }

    /** An order whose authorizations are all valid is ready; one with an invalid one is invalid. */
    private void settleOrder(Handle h, String accountId, String orderId) {
        Order order = store.order(h, accountId, orderId, true).orElseThrow();
        if (!order.status().equals("pending")) {
            return;
        }
        List<Authorization> all = store.authorizationsOf(h, orderId);
        if (all.stream()
                .anyMatch(a -> !a.status().equals("valid") && !a.status().equals("pending"))) {
            store.setOrderStatus(h, orderId, "invalid", Optional.of("an authorization failed"));
        } else if (all.stream().allMatch(a -> a.status().equals("valid"))) {
            store.setOrderStatus(h, orderId, "ready", Optional.empty());
        }
    }

    /** Issues the order's certificate for a CSR naming exactly its identifiers (RFC 8555 §7.4). */
    public OrderView finalizeOrder(Caller caller, String orderId, JsonNode payload) {
        AcmeAccount acme = caller.requireAccount();
        Order current =
                database.read(h -> owned(store.order(h, acme.accountId(), orderId, false), acme, "Order " + orderId));
        if (!current.status().equals("ready")) {
            throw new AcmeException(
                    AcmeError.ORDER_NOT_READY,
                    "The order is " + current.status() + ", not ready: its authorizations come first.");
        }
        byte[] der;
        try {
            der = Base64.getUrlDecoder().decode(payload.path("csr").asText(""));
        } catch (IllegalArgumentException e) {
            throw new AcmeException(AcmeError.BAD_CSR, "csr is not base64url.");
        }
        Pkcs10.Request csr;
        try {
            csr = Pkcs10.readPkcs10(der, signatures);
        } catch (PkiException e) {
            throw new AcmeException(AcmeError.BAD_CSR, e.getMessage());
        }
        try {
            io.certdesk.pki.request.RequestedNames.requireIssuableKey(csr.publicKey());
        } catch (PkiException e) {
            throw new AcmeException(AcmeError.BAD_CSR, e.getMessage());
        }
        if (!csr.ipAddresses().isEmpty()) {
            throw new AcmeException(AcmeError.BAD_CSR, "The CSR names IP addresses; this order is for DNS names only.");
        }
        Set<String> asked = new TreeSet<>();
        for (String n : csr.hostNames()) {
            try {
                asked.add(DomainNames.normalizeHost(n));
            } catch (PkiException e) {
                throw new AcmeException(AcmeError.BAD_CSR, "The CSR names '" + n + "', which is not a DNS name.");
            }
        }
        csr.commonName().ifPresent(cn -> {
            if (!asked.contains(cn.toLowerCase(java.util.Locale.ROOT))) {
                throw new AcmeException(AcmeError.BAD_CSR, "The CSR's common name is not one of its names.");
            }
        });
        if (!asked.equals(new TreeSet<>(current.identifiers()))) {
            throw new AcmeException(
                    AcmeError.BAD_CSR,
                    "The CSR names " + asked + " but the order is for " + current.identifiers()
                            + ": they must be the same.");
        }
        List<String> names = new ArrayList<>(new LinkedHashSet<>(
                csr.hostNames().stream().map(DomainNames::normalizeHost).toList()));
        List<X509Certificate> chain =
                platformCa.issueForKey(csr.publicKey(), names, DeviceProfile.TLS_SERVER, CERTIFICATE_VALIDITY);
        X509Certificate leaf = chain.get(0);
        return database.inTransaction(h -> {
            Order order = owned(store.order(h, acme.accountId(), orderId, true), acme, "Order " + orderId);
            if (!order.status().equals("ready")) {
                throw new AcmeException(AcmeError.ORDER_NOT_READY, "The order is " + order.status() + " now.");
            }
            Instant now = clock.instant();
            issued.record(
                    h,
                    leaf,
                    chain.get(1),
                    IssuedFor.ACME,
                    Optional.of(order.accountId()),
                    Optional.empty(),
                    names,
                    now,
                    true);
            store.orderIssued(
                    h,
                    order.id(),
                    CertificateCodec.sha256Hex(chain.get(1)),
                    leaf.getSerialNumber().toString(16));
            audit.record(
                    h,
                    "acme:" + acme.id(),
                    order.accountId(),
                    AuditAction.ACME_CERTIFICATE_ISSUED,
                    String.join(", ", names) + " (serial "
                            + leaf.getSerialNumber().toString(16) + ")");
            Order done = store.order(h, acme.accountId(), orderId, false).orElseThrow();
            return new OrderView(done, store.authorizationsOf(h, orderId));
        });
    }

    /** The issued certificate's chain, leaf first, without the root: what the client installs. */
    public List<X509Certificate> certificate(Caller caller, String orderId) {
        AcmeAccount acme = caller.requireAccount();
        return database.read(h -> {
            Order order = owned(store.order(h, acme.accountId(), orderId, false), acme, "Certificate " + orderId);
            if (order.serial().isEmpty()) {
                throw AcmeException.notFound("Certificate " + orderId);
            }
            X509Certificate leaf = CertificateCodec.decodeDer(issued.der(
                            h,
                            order.issuerSha256().orElseThrow(),
                            order.serial().get())
                    .orElseThrow());
            List<X509Certificate> above =
                    platformCa.chainAbove(h, order.issuerSha256().get());
            List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
            chain.addAll(above.subList(0, Math.max(0, above.size() - 1)));
            return chain;
        });
    }

    /**
     * revokeCert (RFC 8555 §7.6): by an ACME account of the same Certdesk account (it may have any
     * of its names), or by the certificate's own key.
     */
    public void revoke(String accountId, Caller caller, JsonNode payload) {
        byte[] der;
        X509Certificate certificate;
        try {
            der = Base64.getUrlDecoder().decode(payload.path("certificate").asText(""));
            certificate = CertificateCodec.decodeDer(der);
        } catch (RuntimeException e) {
            throw AcmeException.malformed("certificate is not a base64url DER certificate.");
        }
        int code = payload.path("reason").asInt(0);
        RevocationReason reason = java.util.Arrays.stream(RevocationReason.values())
                .filter(r -> r.code() == code)
                .findFirst()
                .orElseThrow(() -> new AcmeException(
                        AcmeError.BAD_REVOCATION_REASON, "Reason " + code + " is not taken: 0, 1, 3, 4 or 5."));
        String serial = certificate.getSerialNumber().toString(16);
        String sha = CertificateCodec.sha256Hex(certificate);
        IssuedCertificate record = database.read(h -> issued.bySerial(h, serial).stream()
                        .filter(c -> c.sha256().equals(sha)
                                && c.issuedFor() == IssuedFor.ACME
                                && c.accountId().filter(accountId::equals).isPresent())
                        .findFirst())
                .orElseThrow(() -> AcmeException.unauthorized("This directory did not issue that certificate."));
        if (caller.account().isEmpty()) {
            com.nimbusds.jose.jwk.JWK certKey;
            try {
                certKey = JWK.parse(certificate);
            } catch (com.nimbusds.jose.JOSEException e) {
                throw AcmeException.unauthorized("The certificate's key cannot sign a revocation.");
            }
            if (!AcmeJws.thumbprint(certKey).equals(AcmeJws.thumbprint(caller.key()))) {
                throw AcmeException.unauthorized(
                        "The request is signed neither by an account nor by the certificate's key.");
            }
        }
        if (record.revoked()) {
            throw new AcmeException(AcmeError.ALREADY_REVOKED, "The certificate is revoked already.");
        }
        String actor = caller.account().map(a -> "acme:" + a.id()).orElse("acme:certificate-key");
        if (!revocations.revokeIssued(actor, accountId, record, reason)) {
            throw new AcmeException(AcmeError.ALREADY_REVOKED, "The certificate is revoked already.");
        }
    }

    /** Renewal information (RFC 9773) for a certificate this directory issued, by its ARI certID. */
    public record RenewalWindow(Instant start, Instant end) {}

    public RenewalWindow renewalInfo(String accountId, String certId) {
        int dot = certId.indexOf('.');
        if (dot < 1) {
            throw AcmeException.malformed("The certID is base64url(keyIdentifier) '.' base64url(serial).");
        }
        String serial;
        try {
            serial = new BigInteger(1, Base64.getUrlDecoder().decode(certId.substring(dot + 1))).toString(16);
        } catch (IllegalArgumentException e) {
            throw AcmeException.malformed("The certID is not base64url.");
        }
        return database.read(h -> {
            IssuedCertificate c = issued.bySerial(h, serial).stream()
                    .filter(x -> x.issuedFor() == IssuedFor.ACME
                            && x.accountId().filter(accountId::equals).isPresent())
                    .findFirst()
                    .orElseThrow(() -> AcmeException.notFound("Certificate " + certId));
            Instant now = clock.instant();
            if (c.revoked()) {
                return new RenewalWindow(now.minus(Duration.ofHours(1)), now); // renew now
            }
            Instant renewAt = new LifecycleSettingsStore()
                    .of(h, accountId)
                    .renewAt(c.notBefore(), c.notAfter())
                    .orElse(c.notBefore()
                            .plus(Duration.between(c.notBefore(), c.notAfter())
                                    .multipliedBy(2)
                                    .dividedBy(3)));
            Duration span = Duration.between(renewAt, c.notAfter()).dividedBy(4);
            return new RenewalWindow(renewAt, renewAt.plus(span));
        });
    }

    private static Order owned(Optional<Order> order, AcmeAccount acme, String what) {
        Order o = order.orElseThrow(() -> AcmeException.notFound(what));
        if (!o.acmeAccountId().equals(acme.id())) {
            throw AcmeException.unauthorized(what + " belongs to another ACME account.");
        }
        return o;
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static List<String> contacts(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_CONTACTS) {
            throw new AcmeException(
                    AcmeError.INVALID_CONTACT, "contact is a list of at most " + MAX_CONTACTS + " mailto: URLs.");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode c : node) {
            String value = c.asText();
            if (!value.startsWith("mailto:")) {
                throw new AcmeException(
                        AcmeError.UNSUPPORTED_CONTACT, "Only mailto: contacts are taken; found '" + value + "'.");
            }
            if (value.length() > 200 || !value.matches("mailto:[^\\s,?]+@[^\\s,?]+")) {
                throw new AcmeException(AcmeError.INVALID_CONTACT, "'" + value + "' is not one mailto: address.");
            }
            out.add(value);
        }
        return out;
    }

    private static JWK parseJwk(String json) {
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new IllegalStateException("a stored ACME account key does not parse", e);
        }
    }
}
