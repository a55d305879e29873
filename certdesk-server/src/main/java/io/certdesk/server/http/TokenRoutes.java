package io.certdesk.server.http;

import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.chains.PkiSettingsService;
import io.certdesk.server.token.ApiClientService;
import io.certdesk.server.token.OAuthError;
import io.certdesk.server.token.OAuthException;
import io.certdesk.server.token.SigningKey;
import io.certdesk.server.token.TokenService;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** API clients, the RFC 6749 token endpoint, and the account's published keys (RFC 7517) and metadata. */
final class TokenRoutes {
    /** Caches may keep the key set this long; a scheduled signing chain is published at least this early. */
    static final long JWKS_MAX_AGE_SECONDS = PkiSettingsService.KEY_CACHE_TIME.toSeconds();

    private final ApiClientService clients;
    private final TokenService tokens;
    private final Requests requests;

    TokenRoutes(ApiClientService clients, TokenService tokens, Requests requests) {
        this.clients = clients;
        this.tokens = tokens;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post("/api/v1/accounts/{id}/api-clients", RouteAccess.SIGNED_IN, this::create);
        routes.get("/api/v1/accounts/{id}/api-clients", RouteAccess.SIGNED_IN, this::list);
        routes.delete("/api/v1/accounts/{id}/api-clients/{clientId}", RouteAccess.SIGNED_IN, this::delete);
        routes.post("/api/v1/accounts/{id}/api-clients/{clientId}/secret", RouteAccess.SIGNED_IN, this::rotate);
        routes.post("/api/v1/accounts/{id}/oauth2/token", RouteAccess.PUBLIC, this::token);
        routes.get("/api/v1/accounts/{id}/.well-known/jwks.json", RouteAccess.PUBLIC, this::jwks);
        routes.get("/api/v1/accounts/{id}/.well-known/openid-configuration", RouteAccess.PUBLIC, this::metadata);
    }

    private void create(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.CreateApiClient body = requests.body(ctx, Dto.CreateApiClient.class);
        ApiClientService.WithSecret created = clients.create(actor, ctx.pathParam("id"), body.name(), body.scopes());
        ctx.status(201).header("Cache-Control", "no-store").json(Dto.ApiClientJson.withSecret(created));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new Dto.ApiClientList(clients.list(actor, ctx.pathParam("id")).stream()
                .map(Dto.ApiClientJson::of)
                .toList()));
    }

    private void delete(Context ctx) {
        Principal actor = Requests.caller(ctx);
        clients.delete(actor, ctx.pathParam("id"), ctx.pathParam("clientId"));
        ctx.status(204);
    }

    private void rotate(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.header("Cache-Control", "no-store")
                .json(Dto.ApiClientJson.withSecret(
                        clients.rotateSecret(actor, ctx.pathParam("id"), ctx.pathParam("clientId"))));
    }

    /** RFC 6749 §4.4: client authenticated by HTTP Basic (§2.3.1) or by client_id/client_secret form fields. */
    private void token(Context ctx) {
        ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
        String contentType = ctx.contentType();
        if (contentType == null
                || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST, "Send the request as application/x-www-form-urlencoded.");
        }
        String[] basic = basicCredentials(ctx);
        String formId = ctx.formParam("client_id");
        String formSecret = ctx.formParam("client_secret");
        if (basic != null && (formId != null || formSecret != null)) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST, "Authenticate the client one way only: HTTP Basic or form fields.");
        }
        String clientId = basic != null ? basic[0] : formId;
        String secret = basic != null ? basic[1] : formSecret;
        if (clientId == null || secret == null) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT,
                    "Client authentication is required (HTTP Basic, or client_id and client_secret).");
        }
        TokenService.Token token = tokens.issue(
                ctx.pathParam("id"),
                clientId,
                secret,
                ctx.formParam("grant_type"),
                Optional.ofNullable(ctx.formParam("scope")),
                ctx.ip());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.accessToken());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.expiresIn());
        body.put("scope", token.scope());
        ctx.json(body);
    }

    private void jwks(Context ctx) {
        var keys = tokens.publishedKeys(ctx.pathParam("id"))
                .orElseThrow(() -> ServiceException.notFound("Account " + ctx.pathParam("id")));
        ctx.contentType("application/jwk-set+json")
                .header("Cache-Control", "public, max-age=" + JWKS_MAX_AGE_SECONDS)
                .result(keys.toString(true));
    }

    private void metadata(Context ctx) {
        String id = ctx.pathParam("id");
        tokens.publishedKeys(id).orElseThrow(() -> ServiceException.notFound("Account " + id));
        String issuer = tokens.issuer(id);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("issuer", issuer);
        body.put("token_endpoint", issuer + "/oauth2/token");
        body.put("jwks_uri", issuer + "/.well-known/jwks.json");
        body.put("grant_types_supported", List.of("client_credentials"));
        body.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        body.put("response_types_supported", List.of("token"));
        body.put(
                "access_token_signing_alg_values_supported",
                SigningKey.ALGORITHMS.stream().map(a -> a.getName()).toList());
        ctx.header("Cache-Control", "public, max-age=" + JWKS_MAX_AGE_SECONDS).json(body);
    }

    /** {@code [id, secret]} from an HTTP Basic header, each form-URL-decoded as RFC 6749 §2.3.1 says; null without one. */
    private static String[] basicCredentials(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OAuthException(OAuthError.INVALID_CLIENT, "The Basic credentials are not 'id:secret'.");
            }
            return new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)
            };
        } catch (IllegalArgumentException e) {
            throw new OAuthException(OAuthError.INVALID_CLIENT, "The Basic credentials are not valid base64.");
        }
    }
}
