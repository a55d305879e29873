package io.certdesk.server.scep;

import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.names.DomainNames;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.request.RequestedNames;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.scep.ScepRecords.ForeignNames;
import io.certdesk.server.scep.ScepRecords.PasswordKind;
import io.certdesk.server.scep.ScepRecords.RequestStatus;
import io.certdesk.server.scep.ScepRecords.ScepPassword;
import io.certdesk.server.scep.ScepRecords.ScepSettings;
import io.certdesk.server.scep.ScepRecords.ScepTransaction;
import io.certdesk.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What an account's admins set up for its devices' SCEP enrollment: the settings, the challenge
 * passwords (a standing one, or one-time ones that expire, as NDES's admin page gives them; each
 * shown once, kept as a hash), and the requests held for them to approve or reject.
 */
public final class ScepAdminService {
    public static final int MAX_VALIDITY_DAYS = 397;
    /** One-time passwords an account may have unused at once. */
    public static final int MAX_ONE_TIME = 1000;

    public static final Duration DEFAULT_ONE_TIME_VALIDITY = Duration.ofHours(1);
    public static final Duration MAX_ONE_TIME_VALIDITY = Duration.ofDays(30);
    public static final int MAX_LIST = 200;
    /** How long a spent or expired one-time password stays listed (when it was used, and by which request). */
    static final Duration KEPT_ENDED = Duration.ofDays(30);
    /** 24 characters of base32: 120 random bits, typeable on a printer's panel. */
    static final int PASSWORD_LENGTH = 24;

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final Database database;
    private final ScepStore store;
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Optional<Provider> signatures;
    private final Optional<String> plainHttpUrl;

    public ScepAdminService(
            Database database,
            ScepStore store,
            PlatformCaService platformCa,
            IssuedCertificateStore issued,
            Access access,
            AuditLog audit,
            Clock clock,
            SecureRandom random,
            Optional<Provider> signatures,
            Optional<String> plainHttpUrl) {
        this.plainHttpUrl = plainHttpUrl;
        this.database = database;
        this.store = store;
        this.platformCa = platformCa;
        this.issued = issued;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.signatures = signatures;
    }

    /** Passwords are 120 random bits: a fast hash finds one by index, as API client secrets are found. */
    static String hash(String password) {
        return CertificateCodec.sha256Hex(password.getBytes(StandardCharsets.UTF_8));
    }

    /** Where devices are pointed: the account's own SCEP URL, and NDES's path (the account found by the password). */
    public record Urls(String scep, String ndes) {}

    /** Empty when the node serves no plain-HTTP port ({@code --http-port}). */
    public Optional<Urls> urls(String accountId) {
        return plainHttpUrl.map(base -> new Urls(base + "/scep/" + accountId, base + "/certsrv/mscep/mscep.dll"));
    }

    public ScepSettings settings(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.settings(h, account.id()));
    }

    /** Changes the settings; what is empty stays. */
    public ScepSettings updateSettings(
            Principal actor,
            String accountId,
            Optional<Boolean> enabled,
            Optional<DeviceProfile> profile,
            Optional<Integer> validityDays,
            Optional<ForeignNames> foreignNames) {
        Account account = access.visibleAccount(actor, accountId);
        if (validityDays.isPresent() && (validityDays.get() < 1 || validityDays.get() > MAX_VALIDITY_DAYS)) {
            throw ServiceException.invalid(
                    "validityDays",
                    "validityDays must be between 1 and " + MAX_VALIDITY_DAYS + "; found " + validityDays.get() + ".");
        }
        return database.inTransaction(h -> {
            ScepSettings before = store.settings(h, account.id());
            ScepSettings after = new ScepSettings(
                    enabled.orElse(before.enabled()),
                    profile.orElse(before.profile()),
                    validityDays.orElse(before.validityDays()),
                    foreignNames.orElse(before.foreignNames()));
            if (after.equals(before)) {
                return before;
            }
            store.saveSettings(h, account.id(), after, clock.instant());
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.SCEP_SETTINGS_CHANGED,
                    "enabled: " + after.enabled() + ", profile: " + after.profile() + ", validity: "
                            + after.validityDays() + " days, names outside the account's domains: "
                            + after.foreignNames());
            return after;
        });
    }

    /** A new password and the password itself, which exists only in this value. */
    public record NewPassword(ScepPassword password, String secret) {
        @Override
        public String toString() {
            return "NewPassword[" + password.id() + "]";
        }
    }

    /**
     * A new challenge password: {@link PasswordKind#STATIC} replaces the account's standing one;
     * {@link PasswordKind#ONE_TIME} is good for one enrollment within {@code validFor}.
     */
    public NewPassword createPassword(
            Principal actor, String accountId, PasswordKind kind, Optional<Duration> validFor, Optional<String> label) {
        Account account = access.visibleAccount(actor, accountId);
        if (label.isPresent() && label.get().length() > 200) {
            throw ServiceException.invalid("label", "A label is at most 200 characters.");
        }
        if (kind == PasswordKind.STATIC && validFor.isPresent()) {
            throw ServiceException.invalid(
                    "validMinutes", "A static password has no expiry: it stands until it is replaced or deleted.");
        }
        Duration validity = validFor.orElse(DEFAULT_ONE_TIME_VALIDITY);
        if (validity.compareTo(Duration.ofMinutes(1)) < 0 || validity.compareTo(MAX_ONE_TIME_VALIDITY) > 0) {
            throw ServiceException.invalid(
                    "validMinutes",
                    "A one-time password is valid for 1 minute to " + MAX_ONE_TIME_VALIDITY.toDays() + " days.");
        }
        String secret = newSecret();
        Instant now = clock.instant();
        ScepPassword password = new ScepPassword(
                UUID.randomUUID().toString(),
                account.id(),
                kind,
                label,
                actor.username(),
                now,
                kind == PasswordKind.ONE_TIME ? Optional.of(now.plus(validity)) : Optional.empty(),
                Optional.empty());
        return database.inTransaction(h -> {
            if (kind == PasswordKind.STATIC) {
                store.deleteStatic(h, account.id());
            } else {
                // the list keeps a month of spent and expired ones, then forgets them
                store.pruneOneTime(h, account.id(), now.minus(KEPT_ENDED));
                int unused = store.countUnusedOneTime(h, account.id(), now);
                if (unused >= MAX_ONE_TIME) {
                    throw new ServiceException(
                            ErrorCode.VALIDATION_FAILED,
                            "The account has " + unused + " unused one-time SCEP passwords, the most it may;"
                                    + " delete some or let them expire first.");
                }
            }
            store.insertPassword(h, password, hash(secret));
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.SCEP_PASSWORD_CREATED,
                    (kind == PasswordKind.STATIC ? "static" : "one-time") + " SCEP password " + password.id()
                            + password.label().map(l -> " (" + l + ")").orElse(""));
            return new NewPassword(password, secret);
        });
    }

    private String newSecret() {
        char[] out = new char[PASSWORD_LENGTH];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    public List<ScepPassword> passwords(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.passwordsOf(h, account.id()));
    }

    public void deletePassword(Principal actor, String accountId, String passwordId) {
        Account account = access.visibleAccount(actor, accountId);
        database.inTransaction(h -> {
            if (!store.deletePassword(h, account.id(), passwordId)) {
                throw ServiceException.notFound("SCEP password " + passwordId);
            }
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.SCEP_PASSWORD_DELETED,
                    "SCEP password " + passwordId);
            return null;
        });
    }

    /** The account's device requests, newest first, those of {@code status} only where one is given. */
    public List<ScepTransaction> requests(
            Principal actor, String accountId, Optional<RequestStatus> status, int limit) {
        Account account = access.visibleAccount(actor, accountId);
        int n = Math.max(1, Math.min(limit, MAX_LIST));
        return database.read(h -> store.requestsOf(h, account.id(), status, n));
    }

    /**
     * Issues a held request for the names the device asked for. Those names are outside the
     * account's domains (that is why it was held), and only those above an account set its
     * domains: so only they approve.
     */
    public ScepTransaction approve(Principal actor, String accountId, String requestId) {
        Account account = access.visibleAccount(actor, accountId);
        ScepTransaction held = pending(account, requestId);
        List<String> names = namesOf(held);
        boolean outside = !Set.copyOf(account.domains()).containsAll(names);
        if (outside) {
            access.accountAbove(
                    actor, account.id(), "approve a device's request for names outside the account's domains");
        }
        ScepSettings settings = database.read(h -> store.settings(h, account.id()));
        Pkcs10.Request csr = Pkcs10.readPkcs10(held.csrDer(), signatures);
        List<X509Certificate> chain = platformCa.issueForKey(
                csr.publicKey(), names, settings.profile(), Duration.ofDays(settings.validityDays()));
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        return database.inTransaction(h -> {
            if (!store.decide(
                    h,
                    held.id(),
                    RequestStatus.ISSUED,
                    Optional.of(CertificateCodec.sha256Hex(chain.get(1))),
                    Optional.of(leaf.getSerialNumber().toString(16)),
                    Optional.empty(),
                    actor.username(),
                    now)) {
                throw new ServiceException(ErrorCode.ALREADY_DECIDED, "The request was decided meanwhile.");
            }
            // a request held by EST is recorded as EST's
            issued.record(
                    h,
                    leaf,
                    chain.get(1),
                    held.transactionId().startsWith("est:") ? IssuedFor.EST : IssuedFor.SCEP,
                    Optional.of(account.id()),
                    Optional.empty(),
                    names,
                    now,
                    true);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.SCEP_REQUEST_APPROVED,
                    "transaction " + held.transactionId() + ": serial "
                            + leaf.getSerialNumber().toString(16) + ", " + String.join(", ", names));
            return store.requestById(h, account.id(), held.id(), false).orElseThrow();
        });
    }

    public ScepTransaction reject(Principal actor, String accountId, String requestId, Optional<String> reason) {
        Account account = access.visibleAccount(actor, accountId);
        if (reason.isPresent() && reason.get().length() > 500) {
            throw ServiceException.invalid("reason", "A reason is at most 500 characters.");
        }
        ScepTransaction held = pending(account, requestId);
        return database.inTransaction(h -> {
            if (!store.decide(
                    h,
                    held.id(),
                    RequestStatus.REJECTED,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(
                            "Rejected by an admin" + reason.map(r -> ": " + r).orElse(".")),
                    actor.username(),
                    clock.instant())) {
                throw new ServiceException(ErrorCode.ALREADY_DECIDED, "The request was decided meanwhile.");
            }
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.SCEP_REQUEST_REJECTED,
                    "transaction " + held.transactionId()
                            + reason.map(r -> ": " + r).orElse(""));
            return store.requestById(h, account.id(), held.id(), false).orElseThrow();
        });
    }

    private ScepTransaction pending(Account account, String requestId) {
        ScepTransaction held = database.read(h -> store.requestById(h, account.id(), requestId, false))
                .orElseThrow(() -> ServiceException.notFound("SCEP request " + requestId));
        if (held.status() != RequestStatus.PENDING) {
            throw new ServiceException(
                    ErrorCode.ALREADY_DECIDED,
                    "The request is " + held.status().name().toLowerCase() + " already.");
        }
        return held;
    }

    /** The names a held request asked for, normalized; a name no certificate can carry is refused. */
    private static List<String> namesOf(ScepTransaction held) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String raw : held.dnsNames()) {
            try {
                names.add(DomainNames.normalizeHost(raw));
            } catch (PkiException e) {
                throw new ServiceException(
                        ErrorCode.VALIDATION_FAILED,
                        "The request names " + raw + ", which no certificate can carry: reject it.");
            }
        }
        if (names.isEmpty() || names.size() > RequestedNames.MAX_NAMES) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED, "The request names no host a certificate can carry: reject it.");
        }
        return new ArrayList<>(names);
    }
}
