package io.certdesk.server.http;

import io.certdesk.server.Inputs;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountService;
import io.certdesk.server.account.AccountType;
import io.certdesk.server.users.UserService;
import io.javalin.http.Context;
import java.util.Optional;

/** Accounts, their domains, users and audit log. Each handler: decode, call one service method, render. */
final class AccountRoutes {
    static final int AUDIT_PAGE = 100;
    private final AccountService accounts;
    private final UserService users;
    private final Requests requests;

    AccountRoutes(AccountService accounts, UserService users, Requests requests) {
        this.accounts = accounts;
        this.users = users;
        this.requests = requests;
    }

    void register(RouteTable routes) {
        routes.post("/api/v1/accounts", RouteAccess.SIGNED_IN, this::create);
        routes.get("/api/v1/accounts", RouteAccess.SIGNED_IN, this::list);
        routes.get("/api/v1/accounts/{id}", RouteAccess.SIGNED_IN, this::get);
        routes.delete("/api/v1/accounts/{id}", RouteAccess.SIGNED_IN, this::delete);
        routes.get("/api/v1/accounts/{id}/domains", RouteAccess.SIGNED_IN, this::domains);
        routes.put("/api/v1/accounts/{id}/domains", RouteAccess.SIGNED_IN, this::setDomains);
        routes.post("/api/v1/accounts/{id}/users", RouteAccess.SIGNED_IN, this::createUser);
        routes.get("/api/v1/accounts/{id}/users", RouteAccess.SIGNED_IN, this::listUsers);
        routes.get("/api/v1/accounts/{id}/audit", RouteAccess.SIGNED_IN, this::audit);
    }

    private void create(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.CreateAccount body = requests.body(ctx, Dto.CreateAccount.class);
        Account account = accounts.create(
                actor,
                body.name(),
                Inputs.enumValue(AccountType.class, body.type(), "type"),
                Optional.ofNullable(body.parentId()));
        ctx.status(201).header("Location", "/api/v1/accounts/" + account.id()).json(Dto.AccountJson.of(account));
    }

    private void list(Context ctx) {
        Principal actor = Requests.caller(ctx);
        int limit = (int) Requests.longQuery(ctx, "limit", 100);
        AccountService.Page page = accounts.list(
                actor, Optional.ofNullable(ctx.queryParam("q")), Optional.ofNullable(ctx.queryParam("after")), limit);
        ctx.json(new Dto.AccountList(
                page.accounts().stream().map(Dto.AccountJson::of).toList(),
                page.next().orElse(null)));
    }

    private void get(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(Dto.AccountJson.of(accounts.get(actor, ctx.pathParam("id"))));
    }

    private void delete(Context ctx) {
        Principal actor = Requests.caller(ctx);
        accounts.delete(actor, ctx.pathParam("id"));
        ctx.status(204);
    }

    private void domains(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new Dto.DomainList(accounts.get(actor, ctx.pathParam("id")).domains()));
    }

    private void setDomains(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.SetDomains body = requests.body(ctx, Dto.SetDomains.class);
        ctx.json(Dto.AccountJson.of(accounts.setDomains(actor, ctx.pathParam("id"), body.domains())));
    }

    private void createUser(Context ctx) {
        Principal actor = Requests.caller(ctx);
        Dto.CreateUser body = requests.body(ctx, Dto.CreateUser.class);
        ctx.status(201)
                .json(Dto.UserJson.of(
                        users.createAccountAdmin(actor, ctx.pathParam("id"), body.username(), body.password())));
    }

    private void listUsers(Context ctx) {
        Principal actor = Requests.caller(ctx);
        ctx.json(new Dto.UserList(users.usersOf(actor, ctx.pathParam("id")).stream()
                .map(Dto.UserJson::of)
                .toList()));
    }

    private void audit(Context ctx) {
        Principal actor = Requests.caller(ctx);
        long before = Requests.longQuery(ctx, "before", 0);
        int limit = (int) Math.min(AUDIT_PAGE, Math.max(1, Requests.longQuery(ctx, "limit", AUDIT_PAGE)));
        var entries = accounts.audit(actor, ctx.pathParam("id"), before, limit);
        Long next = entries.size() == limit ? entries.get(entries.size() - 1).id() : null;
        ctx.json(new Dto.AuditList(entries.stream().map(Dto.AuditJson::of).toList(), next));
    }
}
