package io.certdesk.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.server.ServiceException;
import io.certdesk.server.acme.AcmeError;
import io.certdesk.server.acme.AcmeException;
import io.certdesk.server.acme.AcmeJws;
import io.certdesk.server.acme.AcmeRecords.AcmeAccount;
import io.certdesk.server.acme.AcmeRecords.Authorization;
import io.certdesk.server.acme.AcmeRecords.Challenge;
import io.certdesk.server.acme.AcmeService;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACME protocol (RFC 8555) of each account at {@code /acme/{accountId}/…}: requests are JWS
 * checked by {@link AcmeService#authenticate} (no session, no token), answers carry a fresh
 * {@code Replay-Nonce}, refusals are {@code urn:ietf:params:acme:error:*} problems.
 */
final class AcmeRoutes {
    private static final Logger log = LoggerFactory.getLogger(AcmeRoutes.class);
    private static final String BASE = "/acme/{id}";
    private static final ObjectMapper MAPPER = Json.mapper();

    private final AcmeService acme;

    AcmeRoutes(AcmeService acme) {
        this.acme = acme;
    }

    void register(RouteTable routes) {
        routes.get(BASE + "/directory", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> directory(ctx)));
        routes.head(BASE + "/new-nonce", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> newNonce(ctx, 200)));
        routes.get(BASE + "/new-nonce", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> newNonce(ctx, 204)));
        routes.post(BASE + "/new-account", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> newAccount(ctx)));
        routes.post(BASE + "/acct/{acmeAccountId}", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> account(ctx)));
        routes.post(BASE + "/acct/{acmeAccountId}/orders", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> orders(ctx)));
        routes.post(BASE + "/key-change", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> keyChange(ctx)));
        routes.post(BASE + "/new-order", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> newOrder(ctx)));
        routes.post(BASE + "/order/{orderId}", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> order(ctx)));
        routes.post(
                BASE + "/order/{orderId}/finalize", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> finalizeOrder(ctx)));
        routes.post(BASE + "/authz/{authzId}", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> authorization(ctx)));
        routes.post(BASE + "/chall/{challengeId}", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> challenge(ctx)));
        routes.post(BASE + "/cert/{orderId}", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> certificate(ctx)));
        routes.post(BASE + "/revoke-cert", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> revoke(ctx)));
        routes.get(BASE + "/renewal-info/{certId}", RouteAccess.PUBLIC, ctx -> answer(ctx, () -> renewalInfo(ctx)));
    }

    /** Where this account's directory lives, as the client reached it. */
    private static String base(Context ctx) {
        String host = Optional.ofNullable(ctx.header("Host")).orElse("localhost");
        return "https://" + host + "/acme/" + ctx.pathParam("id");
    }

    private void answer(Context ctx, Runnable work) {
        try {
            acme.directoryAccount(ctx.pathParam("id"));
            work.run();
        } catch (AcmeException e) {
            problem(ctx, e.error(), e.getMessage());
            e.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", Long.toString(s)));
        } catch (PkiException e) {
            problem(ctx, AcmeError.MALFORMED, e.getMessage());
        } catch (ServiceException e) {
            problem(ctx, AcmeError.MALFORMED, e.getMessage());
        } catch (RuntimeException e) {
            log.error("ACME request failed", e);
            problem(
                    ctx,
                    AcmeError.SERVER_INTERNAL,
                    "The server failed; the request id is " + ctx.header("X-Request-Id") + ".");
        }
        ctx.header("Replay-Nonce", acme.nonce());
        ctx.header("Cache-Control", "no-store");
        ctx.res().addHeader("Link", "<" + base(ctx) + "/directory>;rel=\"index\"");
    }

    private static void problem(Context ctx, AcmeError error, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", error.type());
        body.put("detail", detail);
        body.put("status", error.status());
        ctx.status(error.status()).contentType("application/problem+json").result(write(body));
    }

    private static String write(Object body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    private void directory(Context ctx) {
        String base = base(ctx);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("externalAccountRequired", true);
        meta.put("website", "https://" + Optional.ofNullable(ctx.header("Host")).orElse("localhost") + "/");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("newNonce", base + "/new-nonce");
        body.put("newAccount", base + "/new-account");
        body.put("newOrder", base + "/new-order");
        body.put("revokeCert", base + "/revoke-cert");
        body.put("keyChange", base + "/key-change");
        body.put("renewalInfo", base + "/renewal-info");
        body.put("meta", meta);
        json(ctx, 200, body);
    }

    private void newNonce(Context ctx, int status) {
        ctx.status(status);
    }

    /** The request's JWS, checked: for {@code keyAllowed} routes it may be signed by a bare key. */
    private Signed signed(Context ctx, boolean keyAllowed) {
        String type = Optional.ofNullable(ctx.contentType()).orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/jose+json")) {
            throw new AcmeException(
                    AcmeError.MALFORMED, "ACME requests are sent as application/jose+json; found '" + type + "'.");
        }
        AcmeJws.Parsed parsed = AcmeJws.parse(ctx.bodyAsBytes());
        String base = base(ctx);
        AcmeService.Caller caller = acme.authenticate(
                ctx.pathParam("id"),
                parsed,
                "https://" + Optional.ofNullable(ctx.header("Host")).orElse("localhost") + ctx.path(),
                base + "/acct/",
                keyAllowed);
        return new Signed(parsed, caller);
    }

    private record Signed(AcmeJws.Parsed parsed, AcmeService.Caller caller) {}

    private void newAccount(Context ctx) {
        Signed s = signed(ctx, true);
        if (s.caller().account().isPresent()) {
            throw new AcmeException(AcmeError.MALFORMED, "newAccount is signed by the new account's key ('jwk').");
        }
        AcmeService.AccountResult result =
                acme.newAccount(ctx.pathParam("id"), s.caller(), s.parsed().json(), base(ctx) + "/new-account");
        ctx.header("Location", base(ctx) + "/acct/" + result.account().id());
        json(ctx, result.created() ? 201 : 200, accountJson(ctx, result.account()));
    }

    private Map<String, Object> accountJson(Context ctx, AcmeAccount a) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", a.status());
        body.put("contact", a.contact());
        body.put("termsOfServiceAgreed", true);
        body.put("orders", base(ctx) + "/acct/" + a.id() + "/orders");
        return body;
    }

    private AcmeAccount requireOwn(Context ctx, AcmeService.Caller caller) {
        AcmeAccount account = caller.account()
                .orElseThrow(
                        () -> new AcmeException(AcmeError.MALFORMED, "This request is signed by an account ('kid')."));
        if (!account.id().equals(ctx.pathParam("acmeAccountId"))) {
            throw new AcmeException(AcmeError.UNAUTHORIZED, "The request is signed by another account.");
        }
        return account;
    }

    private void account(Context ctx) {
        Signed s = signed(ctx, false);
        requireOwn(ctx, s.caller());
        AcmeAccount updated = acme.updateAccount(s.caller(), s.parsed().json());
        json(ctx, 200, accountJson(ctx, updated));
    }

    private void orders(Context ctx) {
        Signed s = signed(ctx, false);
        requireOwn(ctx, s.caller());
        List<String> urls = acme.orderIds(s.caller()).stream()
                .map(id -> base(ctx) + "/order/" + id)
                .toList();
        json(ctx, 200, Map.of("orders", urls));
    }

    private void keyChange(Context ctx) {
        Signed s = signed(ctx, false);
        AcmeAccount account = s.caller().account().orElseThrow();
        AcmeAccount changed = acme.keyChange(s.caller(), s.parsed(), base(ctx) + "/acct/" + account.id());
        json(ctx, 200, accountJson(ctx, changed));
    }

    private void newOrder(Context ctx) {
        Signed s = signed(ctx, false);
        AcmeService.OrderView view = acme.newOrder(s.caller(), s.parsed().json());
        ctx.header("Location", base(ctx) + "/order/" + view.order().id());
        json(ctx, 201, orderJson(ctx, view));
    }

    private Map<String, Object> orderJson(Context ctx, AcmeService.OrderView view) {
        String base = base(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", view.order().status());
        body.put("expires", view.order().expiresAt().toString());
        body.put(
                "identifiers",
                view.order().identifiers().stream()
                        .map(n -> Map.of("type", "dns", "value", n))
                        .toList());
        body.put(
                "authorizations",
                view.authorizations().stream()
                        .map(a -> base + "/authz/" + a.id())
                        .toList());
        body.put("finalize", base + "/order/" + view.order().id() + "/finalize");
        view.order()
                .serial()
                .ifPresent(s ->
                        body.put("certificate", base + "/cert/" + view.order().id()));
        view.order()
                .error()
                .ifPresent(e -> body.put(
                        "error",
                        Map.of(
                                "type",
                                AcmeError.UNAUTHORIZED.type(),
                                "detail",
                                "The order failed: " + e,
                                "status",
                                403)));
        return body;
    }

    private void order(Context ctx) {
        Signed s = signed(ctx, false);
        json(ctx, 200, orderJson(ctx, acme.order(s.caller(), ctx.pathParam("orderId"))));
    }

    private void finalizeOrder(Context ctx) {
        Signed s = signed(ctx, false);
        AcmeService.OrderView view = acme.finalizeOrder(
                s.caller(), ctx.pathParam("orderId"), s.parsed().json());
        ctx.header("Location", base(ctx) + "/order/" + view.order().id());
        json(ctx, 200, orderJson(ctx, view));
    }

    private void authorization(Context ctx) {
        Signed s = signed(ctx, false);
        AcmeService.AuthorizationView view = acme.authorization(
                s.caller(), ctx.pathParam("authzId"), s.parsed().json());
        Authorization a = view.authorization();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifier", Map.of("type", "dns", "value", a.identifier()));
        body.put("status", a.status());
        body.put("expires", a.expiresAt().toString());
        List<Object> challenges = new ArrayList<>();
        for (Challenge c : view.challenges()) {
            challenges.add(challengeJson(ctx, c));
        }
        body.put("challenges", challenges);
        json(ctx, 200, body);
    }

    private Map<String, Object> challengeJson(Context ctx, Challenge c) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", c.type());
        body.put("url", base(ctx) + "/chall/" + c.id());
        body.put("status", c.status());
        body.put("token", c.token());
        if (c.status().equals("valid")) {
            c.validatedAt().ifPresent(at -> body.put("validated", at.toString()));
        }
        c.error().ifPresent(e -> {
            int cut = e.indexOf('\n');
            String type = cut < 0 ? "incorrectResponse" : e.substring(0, cut);
            AcmeError error = java.util.Arrays.stream(AcmeError.values())
                    .filter(x -> x.type().endsWith(":" + type) && x != AcmeError.NOT_FOUND)
                    .findFirst()
                    .orElse(AcmeError.INCORRECT_RESPONSE);
            body.put(
                    "error",
                    Map.of(
                            "type",
                            error.type(),
                            "detail",
                            cut < 0 ? e : e.substring(cut + 1),
                            "status",
                            error.status()));
        });
        return body;
    }

    private void challenge(Context ctx) {
        Signed s = signed(ctx, false);
        JsonNode payload = s.parsed().json();
        if (!payload.isEmpty()) {
            throw new AcmeException(AcmeError.MALFORMED, "A challenge is answered with an empty object {}.");
        }
        Challenge c = acme.challenge(
                s.caller(), ctx.pathParam("challengeId"), !s.parsed().empty());
        ctx.header("Link", "<" + base(ctx) + "/authz/" + c.authzId() + ">;rel=\"up\"");
        json(ctx, 200, challengeJson(ctx, c));
    }

    private void certificate(Context ctx) {
        Signed s = signed(ctx, false);
        ctx.status(200)
                .contentType("application/pem-certificate-chain")
                .result(PemCodec.writeCertificatesPem(acme.certificate(s.caller(), ctx.pathParam("orderId"))));
    }

    private void revoke(Context ctx) {
        Signed s = signed(ctx, true);
        acme.revoke(ctx.pathParam("id"), s.caller(), s.parsed().json());
        ctx.status(200);
    }

    private void renewalInfo(Context ctx) {
        AcmeService.RenewalWindow window = acme.renewalInfo(ctx.pathParam("id"), ctx.pathParam("certId"));
        ctx.header("Retry-After", "21600");
        json(
                ctx,
                200,
                Map.of(
                        "suggestedWindow",
                        Map.of(
                                "start",
                                window.start().toString(),
                                "end",
                                window.end().toString())));
    }
}
