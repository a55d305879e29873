package io.certdesk.server.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.AccountStore;
import io.certdesk.server.store.ChainStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.PkiSettingsStore;

/**
 * Issues access tokens (RFC 6749 client credentials) as JWTs signed with the account's signing
 * chain, and publishes the account's keys. A token is issued only while the PKI settings name a
 * signing chain.
 */
public final class TokenService {
    public static final Duration LIFETIME = io.certdesk.server.chains.PkiSettings.TOKEN_LIFETIME;
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

    public TokenService(Database database, AccountStore accounts, PkiSettingsStore settings, ChainStore chains, KeyVault vault,
                        ApiClientService clients, Clock clock, Supplier<String> baseUrl) {
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
    public Token issue(String accountId, String clientId, String clientSecret, String grantType, Optional<String> scope) {
        if (grantType == null || grantType.isBlank()) {
            throw new OAuthException("invalid_request", 400, "grant_type is required; this endpoint supports client_credentials.");
        }
        if (!CLIENT_CREDENTIALS.equals(grantType)) {
            throw new OAuthException("unsupported_grant_type", 400, "Only the client_credentials grant is supported.");
        }
        ApiClient client = clients.authenticate(accountId, clientId, clientSecret)
                .orElseThrow(() -> new OAuthException("invalid_client", 401, "The client id or secret is wrong."));
        List<String> granted = client.scopes();
        if (scope.isPresent() && !scope.get().isBlank()) {
            List<String> requested = List.of(scope.get().strip().split(" +"));
            if (!Set.copyOf(client.scopes()).containsAll(requested)) {
                throw new OAuthException("invalid_scope", 400, "The client may ask only for: " + String.join(" ", client.scopes()) + ".");
            }
            granted = requested;
        }
        SigningKey key = signingKey(accountId).orElseThrow(() -> new OAuthException("signing_not_configured", 409,
                "This account's PKI settings name no signing chain, so no token is issued. Choose one under PKI settings."));
        Instant now = clock.instant();
        String issuer = issuer(accountId);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer).subject(client.clientId()).audience(issuer)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", String.join(" ", granted))
                .build();
        JWSHeader header = new JWSHeader.Builder(key.algorithm()).type(JOSEObjectType.JWT).keyID(key.kid())
                .x509CertSHA256Thumbprint(key.publicJwk().getX509CertSHA256Thumbprint())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token failed", e);
        }
        return new Token(jwt.serialize(), LIFETIME.toSeconds(), String.join(" ", granted));
    }

    /**
     * The keys this account's tokens verify with: the active signing key first, then the keys of
     * replaced signing chains while tokens they signed may still be valid. Empty for an unknown account.
     */
    public Optional<JWKSet> publishedKeys(String accountId) {
        return database.read(h -> {
            if (accounts.find(h, accountId).isEmpty()) {
                return Optional.empty();
            }
            java.util.List<com.nimbusds.jose.jwk.JWK> keys = new java.util.ArrayList<>();
            settings.signingChain(h, accountId).flatMap(id -> chains.find(h, accountId, id))
                    .ifPresent(chain -> keys.add(prepared(h, chain).publicJwk().toPublicJWK()));
            for (String chainId : settings.passiveChains(h, accountId, clock.instant())) {
                chains.find(h, accountId, chainId).ifPresent(chain -> keys.add(prepared(h, chain).publicJwk().toPublicJWK()));
            }
            return Optional.of(new JWKSet(keys));
        });
    }

    /** The issuer URL of an account's tokens; also the base of its token endpoint and JWKS. */
    public String issuer(String accountId) {
        return baseUrl.get() + "/api/v1/accounts/" + accountId;
    }

    private Optional<SigningKey> signingKey(String accountId) {
        return database.read(h -> settings.signingChain(h, accountId).flatMap(chainId -> chains.find(h, accountId, chainId))
                .map(chain -> prepared(h, chain)));
    }

    private SigningKey prepared(org.jdbi.v3.core.Handle h, PrivateChain chain) {
        return signers.computeIfAbsent(chain.id(), id -> prepare(h, chain));
    }

    private SigningKey prepare(org.jdbi.v3.core.Handle h, PrivateChain chain) {
        return SigningKey.of(chain.id(), vault.get(h, chain.keyId()),
                chains.certificates(h, chain.id()).stream().map(CertificateCodec::decodeDer).toList());
    }

}
