package io.certdesk.server.users;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.FailureThrottle;
import io.certdesk.server.access.Principal;
import io.certdesk.server.access.Role;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** People: the bootstrap admin, account admins, sign-in and sessions. */
public final class UserService {
    public static final String ADMIN = "admin";
    public static final int MIN_PASSWORD = 12;
    public static final int MAX_PASSWORD = 1024;
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{2,99}");

    private final Database database;
    private final UserStore store;
    private final PasswordHasher hasher;
    private final FailureThrottle throttle;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final String decoyHash;

    public UserService(
            Database database,
            UserStore store,
            PasswordHasher hasher,
            FailureThrottle throttle,
            Access access,
            AuditLog audit,
            Clock clock,
            SecureRandom random) {
        this.database = database;
        this.store = store;
        this.hasher = hasher;
        this.throttle = throttle;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.decoyHash = hasher.decoy();
    }

    /**
     * Creates the platform admin {@value #ADMIN} unless it exists. Returns the password when one
     * was generated (none given), so the caller can print it once.
     */
    public Optional<String> bootstrapAdmin(Optional<String> password) {
        if (database.read(h -> store.usernameExists(h, ADMIN))) {
            return Optional.empty();
        }
        String chosen = password.orElseGet(this::randomPassword);
        requirePassword(chosen);
        User admin =
                new User(UUID.randomUUID().toString(), ADMIN, Role.PLATFORM_ADMIN, Optional.empty(), clock.instant());
        String hash = hasher.hash(chosen);
        try {
            database.inTransaction(h -> {
                store.insert(h, admin, hash);
                return null;
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
        return password.isPresent() ? Optional.empty() : Optional.of(chosen);
    }

    public User createAccountAdmin(Principal actor, String accountId, String username, String password) {
        Account account = access.visibleAccount(actor, accountId);
        String name = requireUsername(username);
        requirePassword(password);
        User user = new User(
                UUID.randomUUID().toString(), name, Role.ACCOUNT_ADMIN, Optional.of(account.id()), clock.instant());
        String hash = hasher.hash(password);
        try {
            return database.inTransaction(h -> {
                if (store.usernameExists(h, name)) {
                    throw taken(name);
                }
                store.insert(h, user, hash);
                audit.record(h, actor.username(), account.id(), AuditAction.USER_CREATED, "user " + name);
                return user;
            });
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) {
                throw taken(name);
            }
            throw e;
        }
    }

    public List<User> usersOf(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.ofAccount(h, account.id()));
    }

    /**
     * Signs a user in. Unknown users and wrong passwords get the same answer and take the same
     * time; repeated failures per user name or address are refused for a while.
     */
    public Session login(String username, String password, String address) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        FailureThrottle.Check check = throttle.check(name, address);
        check.retryAfter().ifPresent(wait -> {
            throw new ServiceException(
                    ErrorCode.TOO_MANY_ATTEMPTS,
                    "Too many failed sign-ins; try again in " + Math.max(1, wait.toSeconds()) + " seconds.",
                    Map.of("retryAfterSeconds", Math.max(1, wait.toSeconds())));
        });
        Optional<UserStore.Credentials> credentials = database.read(h -> store.credentials(h, name));
        String pass = password == null ? "" : password;
        boolean ok = hasher.verify(
                        pass,
                        credentials.map(UserStore.Credentials::passwordHash).orElse(decoyHash))
                && credentials.isPresent();
        if (!ok) {
            throttle.failed(name, address);
            credentials.ifPresent(c -> audit.recordAlone(
                    name, c.user().accountId().orElse(null), AuditAction.LOGIN_FAILED, "from " + address));
            throw new ServiceException(ErrorCode.UNAUTHORIZED, "The user name or password is wrong.");
        }
        throttle.succeeded(name, check);
        User user = credentials.get().user();
        String token = randomToken();
        Instant now = clock.instant();
        Instant expires = now.plus(SESSION_LIFETIME);
        database.inTransaction(h -> {
            store.deleteExpiredSessions(h, now);
            store.insertSession(h, hashToken(token), user.id(), now, expires);
            audit.record(h, name, user.accountId().orElse(null), AuditAction.LOGIN_SUCCEEDED, "from " + address);
            return null;
        });
        return new Session(token, expires);
    }

    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return database.read(h -> store.sessionUser(h, hashToken(token), clock.instant()))
                .map(User::principal);
    }

    public void logout(String token) {
        database.inTransaction(h -> {
            store.deleteSession(h, hashToken(token));
            return null;
        });
    }

    private static ServiceException taken(String name) {
        return new ServiceException(ErrorCode.USERNAME_TAKEN, "The user name '" + name + "' is already taken.");
    }

    private static String requireUsername(String username) {
        String name = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "A user name is 3 to 100 characters: letters, digits, '.', '_', '@' or '-', starting with a letter or digit.",
                    Map.of("field", "username"));
        }
        return name;
    }

    private static void requirePassword(String password) {
        int length = password == null ? 0 : password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "A password is " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters long; the one given has "
                            + length + ".",
                    Map.of("field", "password"));
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private String randomPassword() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String hashToken(String token) {
        return CertificateCodec.sha256Hex(token.getBytes(StandardCharsets.US_ASCII));
    }
}
