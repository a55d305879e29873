package io.certdesk.server.http;

import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.pki.chain.ChainPurpose;
import io.certdesk.pki.codec.PemCodec;
import io.certdesk.pki.codec.Pkcs12Reader;
import io.certdesk.pki.issue.RevocationReason;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.server.Inputs;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.chains.ChainRenewal;
import io.certdesk.server.chains.ChainRenewalService;
import io.certdesk.server.chains.ChainRevocation;
import io.certdesk.server.chains.ChainService;
import io.certdesk.server.chains.LifecycleSettingsService;
import io.certdesk.server.chains.PkiSettings;
import io.certdesk.server.chains.PkiSettingsService;
import io.certdesk.server.chains.PrivateChain;
import io.certdesk.server.chains.RevocationService;
import io.certdesk.server.tls.ChainUse;
import io.certdesk.server.tls.TlsChains;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Private certificate chains and PKI settings. */
final class ChainRoutes {
    private static final String BASE = "/api/v1/accounts/{id}/private-chains";
    private final ChainService chains;
    private final PkiSettingsService settings;
    private final Requests requests;
    private final TlsChains tls;
    private final RevocationService revocations;
    private final ChainRenewalService renewals;
    private final LifecycleSettingsService lifecycle;

    ChainRoutes(
            ChainService chains,
            RevocationService revocations,
            ChainRenewalService renewals,
            LifecycleSettingsService lifecycle,
            PkiSettingsService settings,
            TlsChains tls,
            Requests requests) {
        this.revocations = revocations;
        this.renewals = renewals;
        this.lifecycle = lifecycle;
        this.tls = tls;
        this.chains = chains;
        this.settings = settings;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post(BASE + "/import", RouteAccess.SIGNED_IN, this::importPkcs12);
        routes.post(BASE + "/generate", RouteAccess.SIGNED_IN, this::generate);
        routes.get(BASE, RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::list);
        routes.get(BASE + "/{chainId}", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::get);
        routes.get(BASE + "/{chainId}/chain.pem", RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ), this::pem);
        routes.delete(BASE + "/{chainId}", RouteAccess.SIGNED_IN, this::delete);
        routes.post(BASE + "/{chainId}/revoke", RouteAccess.SIGNED_IN, this::revoke);
        routes.post(BASE + "/{chainId}/renew", RouteAccess.SIGNED_IN, this::renew);
        routes.get(
                "/api/v1/accounts/{id}/pki-settings",
                RouteAccess.signedInOrToken(ApiScope.PKI_SETTINGS_READ),
                this::getSettings);
        routes.put("/api/v1/accounts/{id}/pki-settings", RouteAccess.SIGNED_IN, this::putSettings);
        routes.get(
                "/api/v1/accounts/{id}/lifecycle-settings",
                RouteAccess.signedInOrToken(ApiScope.PKI_SETTINGS_READ),
                this::getLifecycle);
        routes.put("/api/v1/accounts/{id}/lifecycle-settings", RouteAccess.SIGNED_IN, this::putLifecycle);
    }

    private void importPkcs12(Context ctx) {
        Principal actor = Requests.caller(ctx);
        byte[] file = Uploads.file(ctx, "file", Pkcs12Reader.MAX_FILE_BYTES);
        String password = Uploads.field(ctx, "password");
        ChainService.ImportOutcome outcome = chains.importPkcs12(
                actor, ctx.pathParam("id"), file, password == null ? new char[0] : password.toCharArray());
        ctx.status(201)
                .json(new Dto.ChainImport(
                        render(outcome.imported(), outcome.certificates()),
                        outcome.ignored().stream()
                                .map(i -> new Dto.IgnoredJson(
                                        i.subject(), i.sha256(), i.reason().code()))
                                .toList(),
                        outcome.warnings().stream().map(Dto.WarningJson::of).toList()));
    }

    private void generate(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.GenerateChain body = requests.body(ctx, Dto.GenerateChain.class);
        PrivateChain chain = chains.generate(
                actor,
                ctx.pathParam("id"),
                Inputs.enumValue(ChainPurpose.class, body.purpose(), "purpose"),
                Optional.ofNullable(body.domain()),
                Optional.ofNullable(Inputs.enumValue(KeyType.class, body.keyType(), "keyType"))
                        .orElse(KeyType.EC_P256),
                Optional.ofNullable(body.validityDays()));
        ctx.status(201).json(render(List.of(chain)).get(0));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new Dto.ChainList(render(chains.list(actor, ctx.pathParam("id")))));
    }

    private void get(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(render(List.of(chains.get(actor, ctx.pathParam("id"), ctx.pathParam("chainId"))))
                .get(0));
    }

    private void pem(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.contentType("application/x-pem-file")
                .header("Content-Disposition", "attachment; filename=\"chain-" + ctx.pathParam("chainId") + ".pem\"")
                .result(PemCodec.writeCertificatesPem(
                        chains.certificates(actor, ctx.pathParam("id"), ctx.pathParam("chainId"))));
    }

    record RevokeBody(String reason) {}

    private void revoke(Context ctx) {
        Principal actor = Requests.caller(ctx);
        chains.get(
                actor,
                ctx.pathParam("id"),
                ctx.pathParam("chainId")); // another account's, or no such chain: not found, whatever the body
        RevokeBody body = requests.body(ctx, RevokeBody.class);
        revocations.revokeChain(
                actor,
                ctx.pathParam("id"),
                ctx.pathParam("chainId"),
                Inputs.requiredEnum(RevocationReason.class, body.reason(), "reason"));
        ctx.json(render(List.of(chains.get(actor, ctx.pathParam("id"), ctx.pathParam("chainId"))))
                .get(0));
    }

    private void renew(Context ctx) {
        Principal actor = Requests.caller(ctx);
        PrivateChain fresh = renewals.renew(actor, ctx.pathParam("id"), ctx.pathParam("chainId"));
        ctx.status(201)
                .header("Location", "/api/v1/accounts/" + fresh.accountId() + "/private-chains/" + fresh.id())
                .json(render(List.of(fresh)).get(0));
    }

    private void delete(Context ctx) {
        Principal actor = Requests.caller(ctx);
        chains.delete(actor, ctx.pathParam("id"), ctx.pathParam("chainId"));
        ctx.status(204);
    }

    private void getSettings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(Dto.PkiSettingsJson.of(settings.get(actor, ctx.pathParam("id"))));
    }

    private void putSettings(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.PkiSettingsChange body = requests.body(ctx, Dto.PkiSettingsChange.class);
        PkiSettings saved = settings.put(
                actor,
                ctx.pathParam("id"),
                new PkiSettings.Change(
                        Optional.ofNullable(body.signingChainId()),
                        body.tlsBindings() == null ? Map.of() : body.tlsBindings(),
                        Optional.ofNullable(body.tokenLifetimeSeconds()),
                        Optional.ofNullable(body.activateAt())));
        ctx.json(Dto.PkiSettingsJson.of(saved));
    }

    private void getLifecycle(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(Dto.LifecycleSettingsJson.of(lifecycle.get(actor, ctx.pathParam("id"))));
    }

    private void putLifecycle(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.LifecycleSettingsJson body = requests.body(ctx, Dto.LifecycleSettingsJson.class);
        ctx.json(Dto.LifecycleSettingsJson.of(lifecycle.put(
                actor,
                ctx.pathParam("id"),
                new LifecycleSettingsService.Change(
                        Optional.ofNullable(body.autoRenew()),
                        Optional.ofNullable(body.renewAtPercent()),
                        Optional.ofNullable(body.renewDaysBefore()),
                        Optional.ofNullable(body.expiryNoticeDays())))));
    }

    /** The chains with their certificates and what the TLS edge does with each now (all of one account). */
    List<Dto.ChainJson> render(List<PrivateChain> list) {
        return render(list, chains.certificateInfos(list));
    }

    /** As above, with each chain's certificates known already (by chain id). */
    private List<Dto.ChainJson> render(List<PrivateChain> list, Map<String, List<CertificateInfo>> infos) {
        Map<String, ChainUse> uses =
                list.isEmpty() ? Map.of() : tls.uses(list.get(0).accountId());
        Map<String, ChainRevocation> revoked = list.isEmpty()
                ? Map.of()
                : revocations.revokedChains(list.get(0).accountId());
        Map<String, ChainRenewal> renewal =
                list.isEmpty() ? Map.of() : renewals.renewalsOf(list.get(0).accountId());
        return list.stream()
                .map(c -> Dto.ChainJson.of(
                        c,
                        infos.get(c.id()),
                        uses.getOrDefault(c.id(), ChainUse.NONE),
                        Optional.ofNullable(revoked.get(c.id())),
                        Optional.ofNullable(renewal.get(c.id()))))
                .toList();
    }
}
