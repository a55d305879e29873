package io.certdesk.server.token;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** An account's API clients: created with a secret shown once, listed without it, rotated, deleted. */
public final class ApiClientService {
    public static final int MAX_PER_ACCOUNT = 100;
    public static final int MAX_SCOPES = 20;
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9:._/-]{1,64}");

    private final Database database;
    private final ApiClientStore store;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public ApiClientService(
            Database database, ApiClientStore store, Access access, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** A client and its secret, which exists only in this value: the store keeps its hash. */
    public record WithSecret(ApiClient client, String secret) {
        @Override
        public String toString() {
            return "WithSecret[" + client.clientId() + "]";
        }
    }

    public WithSecret create(Principal actor, String accountId, String name, List<String> scopes) {
        Account account = access.visibleAccount(actor, accountId);
        String cleanName = name == null ? "" : name.strip();
        if (cleanName.isEmpty() || cleanName.length() > 200) {
            throw ServiceException.invalid("name", "An API client's name is 1 to 200 characters.");
        }
        List<String> cleanScopes = scopes(scopes);
        String secret = randomSecret();
        Instant now = clock.instant();
        ApiClient client = new ApiClient(
                "cd_" + HexFormat.of().formatHex(randomBytes(12)), account.id(), cleanName, cleanScopes, now, now);
        return database.inTransaction(h -> {
            if (store.count(h, account.id()) >= MAX_PER_ACCOUNT) {
                throw ServiceException.invalid(
                        "name", "An account has at most " + MAX_PER_ACCOUNT + " API clients; delete one first.");
            }
            store.insert(h, client, hash(secret));
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.API_CLIENT_CREATED,
                    client.clientId() + " '" + cleanName + "'");
            return new WithSecret(client, secret);
        });
    }

    public List<ApiClient> list(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.ofAccount(h, account.id()));
    }

    public WithSecret rotateSecret(Principal actor, String accountId, String clientId) {
        Account account = access.visibleAccount(actor, accountId);
        String secret = randomSecret();
        Instant now = clock.instant();
        return database.inTransaction(h -> {
            ApiClient client = store.find(h, account.id(), clientId)
                    .orElseThrow(() -> ServiceException.notFound("API client " + clientId));
            store.setSecret(h, client.clientId(), hash(secret), now);
            audit.record(h, actor.username(), account.id(), AuditAction.API_CLIENT_SECRET_ROTATED, client.clientId());
            return new WithSecret(
                    new ApiClient(
                            client.clientId(),
                            client.accountId(),
                            client.name(),
                            client.scopes(),
                            client.createdAt(),
                            now),
                    secret);
        });
    }

    public void delete(Principal actor, String accountId, String clientId) {
        Account account = access.visibleAccount(actor, accountId);
        database.inTransaction(h -> {
            if (!store.delete(h, account.id(), clientId)) {
                throw ServiceException.notFound("API client " + clientId);
            }
            audit.record(h, actor.username(), account.id(), AuditAction.API_CLIENT_DELETED, clientId);
            return null;
        });
    }

    /** The client whose secret this is, if the pair is right (constant-time comparison). */
    public Optional<ApiClient> authenticate(String accountId, String clientId, String secret) {
        if (clientId == null || secret == null || clientId.length() > 64 || secret.length() > 200) {
            return Optional.empty();
        }
        return database.read(h -> store.credentials(h, accountId, clientId))
                .filter(c -> MessageDigest.isEqual(
                        c.secretHash().getBytes(StandardCharsets.US_ASCII),
                        hash(secret).getBytes(StandardCharsets.US_ASCII)))
                .map(ApiClientStore.Credentials::client);
    }

    /** Whether the client exists (deleting a client revokes its tokens). */
    public boolean exists(String accountId, String clientId) {
        return clientId.length() <= 64
                && database.read(h -> store.find(h, accountId, clientId)).isPresent();
    }

    /** Secrets are 256 random bits: a fast hash is enough, a slow KDF would only slow the token endpoint. */
    static String hash(String secret) {
        return CertificateCodec.sha256Hex(secret.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> scopes(List<String> scopes) {
        if (scopes == null) {
            return ApiScope.DEFAULTS;
        }
        if (scopes.size() > MAX_SCOPES) {
            throw ServiceException.invalid("scopes", "A client has at most " + MAX_SCOPES + " scopes.");
        }
        for (String scope : scopes) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw ServiceException.invalid(
                        "scopes",
                        "A scope is 1 to 64 letters, digits or ':', '.', '_', '/', '-'; found '" + scope + "'.");
            }
        }
        return List.copyOf(new LinkedHashSet<>(scopes));
    }

    private String randomSecret() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
