package io.certdesk.server.http;

import io.certdesk.pki.certs.CertificateInfo;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.outbound.CheckProtocol;
import io.certdesk.server.outbound.ConnectionCheckService;
import io.certdesk.server.trust.TrustedCaService;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;

/** The connection check: reaching a server as the account would, and trusting the CA a check saw. */
final class ConnectionCheckRoutes {
    private static final String BASE = "/api/v1/accounts/{id}";
    private final ConnectionCheckService checks;
    private final Requests requests;

    ConnectionCheckRoutes(ConnectionCheckService checks, Requests requests) {
        this.checks = checks;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post(BASE + "/trust/check", RouteAccess.SIGNED_IN, this::check);
        routes.post(BASE + "/trusted-cas/from-check", RouteAccess.SIGNED_IN, this::fromCheck);
    }

    record CheckBody(String host, Integer port, String protocol, String bindDn, String bindPassword) {}

    record FromCheckBody(String host, Integer port, String protocol, String sha256) {}

    record ValidationJson(boolean ok, String code, String message) {}

    record BindJson(boolean ok, boolean attempted, String message) {}

    record SuggestedCaJson(String subject, String sha256) {}

    record CheckJson(
            boolean ok,
            String protocol,
            String tlsVersion,
            String cipherSuite,
            List<Dto.CertificateJson> presentedChain,
            ValidationJson validation,
            boolean hostnameMatches,
            BindJson ldapBind,
            SuggestedCaJson suggestedCa,
            String revocation) {}

    private void check(Context ctx) {
        Principal actor = Requests.caller(ctx);
        checks.requireVisible(actor, ctx.pathParam("id")); // another account's: not found, whatever the body
        CheckBody body = requests.body(ctx, CheckBody.class);
        ConnectionCheckService.Result r = checks.check(
                actor,
                ctx.pathParam("id"),
                new ConnectionCheckService.Request(
                        body.host(),
                        port(body.port()),
                        protocol(body.protocol()),
                        Optional.ofNullable(body.bindDn()),
                        Optional.ofNullable(body.bindPassword()).map(String::toCharArray)));
        ctx.json(new CheckJson(
                r.ok(),
                r.protocol().name(),
                r.tlsVersion().orElse(null),
                r.cipherSuite().orElse(null),
                r.presentedChain().stream()
                        .map(c -> Dto.certificate(null, CertificateInfo.of(c)))
                        .toList(),
                new ValidationJson(
                        r.validation().ok(),
                        r.validation().code(),
                        r.validation().message()),
                r.hostnameMatches(),
                r.ldapBind()
                        .map(b -> new BindJson(b.ok(), b.attempted(), b.message()))
                        .orElse(null),
                r.suggestedCa()
                        .map(CertificateInfo::of)
                        .map(i -> new SuggestedCaJson(i.subject(), i.sha256()))
                        .orElse(null),
                r.revocation().orElse(null)));
    }

    private void fromCheck(Context ctx) {
        Principal actor = Requests.caller(ctx);
        checks.requireVisible(actor, ctx.pathParam("id")); // another account's: not found, whatever the body
        FromCheckBody body = requests.body(ctx, FromCheckBody.class);
        TrustedCaService.ImportOutcome outcome = checks.trustPresented(
                actor, ctx.pathParam("id"), body.host(), port(body.port()), protocol(body.protocol()), body.sha256());
        ctx.status(201).json(Dto.TrustedCaImport.of(outcome));
    }

    private static int port(Integer port) {
        if (port == null) {
            throw ServiceException.invalid("port", "port is required.");
        }
        return port;
    }

    private static CheckProtocol protocol(String protocol) {
        return Inputs.requiredEnum(CheckProtocol.class, protocol, "protocol");
    }
}
