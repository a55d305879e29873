package io.certdesk.server.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.FailureThrottle;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.chains.ChainStore;
import io.certdesk.server.chains.PkiSettings;
import io.certdesk.server.chains.PkiSettingsStore;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.chains.SigningState;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.security.Provider;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Issues access tokens (RFC 6749 client credentials) as JWTs signed with the account's signing
 * chain, and publishes the account's keys. A token is issued only while the PKI settings name a
 * signing chain.
 */
public final class TokenService {
    public static final String CLIENT_CREDENTIALS = "client_credentials";

    private final Database database;
    private final AccountStore accounts;
    private final PkiSettingsStore settings;
    private final ChainStore chains;
    private final KeyVault vault;
    private final ApiClientService clients;
    private final Clock clock;
    private final Supplier<String> baseUrl;
    /** Chains never change once stored, so a prepared signer stays right for its chain id. */
    private final Map<String, SigningKey> signers = new ConcurrentHashMap<>();

    private final FailureThrottle throttle;
    /** BoringSSL's provider, when the server signs natively. */
    private final Optional<Provider> nativeSignatures;

    public TokenService(
            Database database,
            AccountStore accounts,
            PkiSettingsStore settings,
            ChainStore chains,
            KeyVault vault,
            ApiClientService clients,
            Clock clock,
            Supplier<String> baseUrl,
            FailureThrottle throttle,
            Optional<Provider> nativeSignatures) {
        this.throttle = throttle;
        this.nativeSignatures = nativeSignatures;
        this.database = database;
        this.accounts = accounts;
        this.settings = settings;
        this.chains = chains;
        this.vault = vault;
        this.clients = clients;
        this.clock = clock;
        this.baseUrl = baseUrl;
    }

    /** An issued access token. */
    public record Token(String accessToken, long expiresIn, String scope) {
        @Override
        public String toString() {
            return "Token[expiresIn=" + expiresIn + "]";
        }
    }

    /**
     * The client credentials grant.
     *
     * @throws OAuthException {@code unsupported_grant_type}, {@code invalid_client} (401),
     *                        {@code invalid_scope}, or {@code signing_not_configured} (409)
     */
    public Token issue(
            String accountId,
            String clientId,
            String clientSecret,
            String grantType,
            Optional<String> scope,
            String address) {
        if (grantType == null || grantType.isBlank()) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST, "grant_type is required; this endpoint supports client_credentials.");
        }
        if (!CLIENT_CREDENTIALS.equals(grantType)) {
            throw new OAuthException(
                    OAuthError.UNSUPPORTED_GRANT_TYPE, "Only the client_credentials grant is supported.");
        }
        String who = "client " + accountId + " " + clientId;
        FailureThrottle.Check check = throttle.check(who, address);
        check.retryAfter().ifPresent(wait -> {
            throw new OAuthException(
                    OAuthError.TOO_MANY_ATTEMPTS,
                    "Too many failed client authentications; try again in " + Math.max(1, wait.toSeconds()) + " s.",
                    java.util.OptionalLong.of(Math.max(1, wait.toSeconds())));
        });
        Optional<ApiClient> authenticated = clients.authenticate(accountId, clientId, clientSecret);
        if (authenticated.isEmpty()) {
            throttle.failed(who, address);
            throw new OAuthException(OAuthError.INVALID_CLIENT, "The client id or secret is wrong.");
        }
        throttle.succeeded(who, check);
        ApiClient client = authenticated.get();
        List<String> granted = client.scopes();
        if (scope.isPresent() && !scope.get().isBlank()) {
            List<String> requested = List.of(scope.get().strip().split(" +"));
            if (!Set.copyOf(client.scopes()).containsAll(requested)) {
                throw new OAuthException(
                        OAuthError.INVALID_SCOPE,
                        "The client may ask only for: " + String.join(" ", client.scopes()) + ".");
            }
            granted = requested;
        }
        Instant now = clock.instant();
        Signing signing = signing(accountId, now)
                .orElseThrow(
                        () -> new OAuthException(
                                OAuthError.SIGNING_NOT_CONFIGURED,
                                "This account's PKI settings name no signing chain, so no token is issued. Choose one under PKI settings."));
        SigningKey key = signing.key();
        String issuer = issuer(accountId);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(client.clientId())
                .audience(issuer)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(signing.lifetime())))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", String.join(" ", granted))
                .build();
        String jws;
        try {
            jws = key.sign(claims);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed", e);
        }
        return new Token(jws, signing.lifetime().toSeconds(), String.join(" ", granted));
    }

    /**
     * The keys this account's tokens verify with: the active signing key first, a next one
     * published ahead of its activation, then the keys of replaced signing chains while tokens
     * they signed may still be valid. Empty for an unknown account.
     */
    public Optional<JWKSet> publishedKeys(String accountId) {
        return database.read(h -> {
            if (accounts.find(h, accountId).isEmpty()) {
                return Optional.empty();
            }
            List<JWK> keys = new ArrayList<>();
            for (SigningKey key : published(h, accountId, clock.instant())) {
                keys.add(key.publicJwk().toPublicJWK());
            }
            return Optional.of(new JWKSet(keys));
        });
    }

    /** A verified access token: who it was issued to, for which account, with which scopes. */
    public record Verified(String clientId, String accountId, Set<String> scopes, Instant expiresAt) {}

    /**
     * Verifies an access token presented to an account's routes: a JWS signed by one of the keys
     * the account publishes now, issued by and for the account, within its validity (with
     * {@link SigningState#SKEW}), for a client that still exists.
     *
     * @throws ServiceException {@code invalid_token} naming what is wrong
     */
    public Verified verify(String accountId, String token) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalidToken("The access token is not a signed JWT.");
        }
        if (!SigningKey.ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
            throw invalidToken("The access token is signed with "
                    + jwt.getHeader().getAlgorithm() + ", which this server does not issue.");
        }
        String issuer = issuer(accountId);
        if (!issuer.equals(claims.getIssuer())
                || claims.getAudience() == null
                || !claims.getAudience().contains(issuer)) {
            throw invalidToken("The access token was not issued for this account.");
        }
        Instant now = clock.instant();
        String kid = jwt.getHeader().getKeyID();
        SigningKey key = database.read(h -> published(h, accountId, now)).stream()
                .filter(k -> k.kid().equals(kid))
                .findFirst()
                .orElseThrow(
                        () -> invalidToken("The access token is signed with a key this account does not publish (kid "
                                + abbreviate(kid) + ")."));
        try {
            if (!key.algorithm().equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(key.verifier())) {
                throw invalidToken("The access token's signature does not verify.");
            }
        } catch (JOSEException e) {
            throw invalidToken("The access token's signature does not verify.");
        }
        Date expires = claims.getExpirationTime();
        Date notBefore = claims.getNotBeforeTime();
        if (expires == null || !expires.toInstant().plus(SigningState.SKEW).isAfter(now)) {
            throw invalidToken("The access token has expired.");
        }
        if (notBefore != null && notBefore.toInstant().minus(SigningState.SKEW).isAfter(now)) {
            throw invalidToken("The access token is not valid yet.");
        }
        // a token that lives longer than any this server issues was not made by it, whatever signed it
        if (expires.toInstant().isAfter(now.plus(SigningState.MAX_LIFETIME).plus(SigningState.SKEW))) {
            throw invalidToken("The access token lives longer than the " + SigningState.MAX_LIFETIME.toHours()
                    + " hours this server issues tokens for.");
        }
        Date issuedAt = claims.getIssueTime();
        if (issuedAt == null
                || issuedAt.toInstant().minus(SigningState.SKEW).isAfter(now)
                || Duration.between(issuedAt.toInstant(), expires.toInstant())
                                .compareTo(SigningState.MAX_LIFETIME.plus(SigningState.SKEW))
                        > 0) {
            throw invalidToken("The access token's issue time is missing, in the future, or too long before its end.");
        }
        String clientId = claims.getSubject();
        if (clientId == null || !clients.exists(accountId, clientId)) {
            throw invalidToken("The API client of this access token no longer exists.");
        }
        Object scope = claims.getClaim("scope");
        Set<String> scopes = scope instanceof String text && !text.isBlank()
                ? Set.of(text.strip().split(" +"))
                : Set.of();
        return new Verified(clientId, accountId, scopes, expires.toInstant());
    }

    private static ServiceException invalidToken(String message) {
        return new ServiceException(ErrorCode.INVALID_TOKEN, message);
    }

    private static String abbreviate(String value) {
        return value == null ? "none" : value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    /** The issuer URL of an account's tokens; also the base of its token endpoint and JWKS. */
    public String issuer(String accountId) {
        return baseUrl.get() + "/api/v1/accounts/" + accountId;
    }

    /** The key that signs at {@code now} and the token lifetime, if the account signs at all. */
    private record Signing(SigningKey key, Duration lifetime) {}

    private Optional<Signing> signing(String accountId, Instant now) {
        return database.read(h -> {
            SigningState state = settings.state(h, accountId);
            return state.signingAt(now)
                    .flatMap(chainId -> chains.find(h, accountId, chainId))
                    .map(chain -> new Signing(prepared(h, chain), state.lifetime()));
        });
    }

    private List<SigningKey> published(Handle h, String accountId, Instant now) {
        List<SigningKey> keys = new ArrayList<>();
        for (PkiSettings.PublishedKey published : settings.publishedKeys(h, accountId, now)) {
            chains.find(h, accountId, published.chainId()).ifPresent(chain -> keys.add(prepared(h, chain)));
        }
        return keys;
    }

    private SigningKey prepared(Handle h, PrivateChain chain) {
        return signers.computeIfAbsent(chain.id(), id -> prepare(h, chain));
    }

    private SigningKey prepare(Handle h, PrivateChain chain) {
        return SigningKey.of(
                chain.id(),
                vault.get(h, chain.keyId()),
                chains.certificates(h, chain.id()).stream()
                        .map(CertificateCodec::decodeDer)
                        .toList(),
                nativeSignatures);
    }
}
