package io.certdesk.server.http;

import io.certdesk.pki.codec.PemCodec;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.Inputs;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.ApiScope;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountService;
import io.certdesk.server.ipp.IppPrinter;
import io.certdesk.server.tls.TlsChains;
import io.javalin.http.Context;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** What the TLS edge serves: a domain's chain for provisioning terminals, and the IPP endpoint of the IPPS listener. */
final class TlsRoutes {
    private final AccountService accounts;
    private final TlsChains chains;
    private final IppPrinter printer;
    private final Requests requests;
    private final Predicate<Context> onIpps;

    TlsRoutes(
            AccountService accounts,
            TlsChains chains,
            IppPrinter printer,
            Requests requests,
            Predicate<Context> onIpps) {
        this.accounts = accounts;
        this.chains = chains;
        this.printer = printer;
        this.requests = requests;
        this.onIpps = onIpps;
    }

    void register(RouteTable routes) {
        routes.get(
                "/api/v1/accounts/{id}/tls/{domain}/chain.pem",
                RouteAccess.signedInOrToken(ApiScope.CERTIFICATES_READ),
                this::chainPem);
        routes.post(IppPrinter.PATH, RouteAccess.PUBLIC, this::ipp);
    }

    /** The chain a terminal of the domain is shown: the account's (bound or newest), else the platform's. */
    private void chainPem(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Account account = accounts.get(actor, ctx.pathParam("id"));
        String domain = Inputs.domain(ctx.pathParam("domain"), "domain");
        if (!account.domains().contains(domain)) {
            throw ServiceException.notFound("The domain " + domain + " of this account");
        }
        Optional<List<X509Certificate>> own = chains.servedFor(account.id(), domain);
        ctx.contentType("application/x-pem-file")
                .header("Certdesk-Chain", own.isPresent() ? "account" : "platform")
                .header("Content-Disposition", "attachment; filename=\"" + domain + "-chain.pem\"")
                .result(PemCodec.writeCertificatesPem(own.orElseGet(chains::platformChain)));
    }

    /** RFC 8010 over HTTPS: {@code application/ipp} in, {@code application/ipp} out. */
    private void ipp(Context ctx) throws IOException {
        if (!onIpps.test(ctx)) {
            throw ServiceException.notFound("Printing (it is served on the IPPS port)");
        }
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/ipp")) {
            throw new ServiceException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "IPP requests are sent as application/ipp.");
        }
        String host = ctx.host() == null ? "localhost" : ctx.host();
        byte[] answer = printer.handle(ctx.req().getInputStream(), "ipps://" + host + IppPrinter.PATH);
        ctx.contentType("application/ipp").result(answer);
    }
}
