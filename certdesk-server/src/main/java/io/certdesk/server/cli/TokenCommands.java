package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** API clients and access tokens from the command line: {@code clients}, {@code token}. */
public final class TokenCommands {
    /** Clock skew accepted when checking a token's times, as the server does. */
    private static final long SKEW_SECONDS = 60;

    private TokenCommands() {}

    @Command(
            name = "clients",
            mixinStandardHelpOptions = true,
            description = "An account's API clients.",
            subcommands = {Clients.Create.class, Clients.List.class, Clients.Delete.class})
    public static final class Clients {
        @Command(
                name = "create",
                mixinStandardHelpOptions = true,
                description = {"Create an API client. Its secret is printed once: store it now."})
        static final class Create implements Callable<Integer> {
            @Mixin
            CertificatesCommands.AccountOption account;

            @Option(names = "--name", required = true)
            String name;

            @Option(
                    names = "--scope",
                    paramLabel = "SCOPE",
                    description = "Repeatable. Default: certificates:read and pki-settings:read.")
            java.util.List<String> scopes;

            @Override
            public Integer call() throws Exception {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                if (scopes != null) {
                    body.put("scopes", scopes);
                }
                JsonNode client =
                        ServerApi.fromSaved(CliConfig.require()).send("POST", account.path() + "/api-clients", body);
                System.out.println("client id:     " + client.path("clientId").asText());
                System.out.println(
                        "client secret: " + client.path("clientSecret").asText());
                System.out.println("scopes:        " + String.join(" ", texts(client.path("scopes"))));
                System.err.println("The secret is shown only now; Certdesk keeps only its hash.");
                return 0;
            }
        }

        @Command(
                name = "list",
                mixinStandardHelpOptions = true,
                description = "List API clients (never their secrets).")
        static final class List implements Callable<Integer> {
            @Mixin
            CertificatesCommands.AccountOption account;

            @Override
            public Integer call() throws Exception {
                JsonNode list =
                        ServerApi.fromSaved(CliConfig.require()).send("GET", account.path() + "/api-clients", null);
                System.out.printf("%-28s  %-30s  %s%n", "CLIENT ID", "NAME", "SCOPES");
                for (JsonNode c : list.path("clients")) {
                    System.out.printf(
                            "%-28s  %-30s  %s%n",
                            c.path("clientId").asText(),
                            c.path("name").asText(),
                            String.join(" ", texts(c.path("scopes"))));
                }
                return 0;
            }
        }

        @Command(
                name = "delete",
                mixinStandardHelpOptions = true,
                description = "Delete an API client; its tokens stop working.")
        static final class Delete implements Callable<Integer> {
            @Mixin
            CertificatesCommands.AccountOption account;

            @Parameters(paramLabel = "CLIENT_ID")
            String clientId;

            @Override
            public Integer call() throws Exception {
                ServerApi.fromSaved(CliConfig.require())
                        .send("DELETE", account.path() + "/api-clients/" + clientId, null);
                System.out.println("deleted " + clientId);
                return 0;
            }
        }
    }

    @Command(
            name = "token",
            mixinStandardHelpOptions = true,
            description = "Access tokens.",
            subcommands = {Token.Issue.class, Token.Verify.class})
    public static final class Token {
        @Command(
                name = "issue",
                mixinStandardHelpOptions = true,
                description = {
                    "Get an access token with a client's credentials (OAuth 2 client credentials grant).",
                    "Prints the token alone on standard output. The secret is read from --client-secret-file or asked for."
                })
        static final class Issue implements Callable<Integer> {
            @Mixin
            CertificatesCommands.AccountOption account;

            @Option(names = "--client-id", required = true)
            String clientId;

            @Option(
                    names = "--client-secret-file",
                    paramLabel = "FILE",
                    description = "A file whose first line is the client secret.")
            Path secretFile;

            @Option(names = "--scope", description = "Space-separated; a subset of the client's scopes.")
            String scope;

            @Override
            public Integer call() throws Exception {
                String secret;
                if (secretFile != null) {
                    java.util.List<String> lines = Files.readAllLines(secretFile, StandardCharsets.UTF_8);
                    secret = lines.isEmpty() ? "" : lines.get(0).strip();
                } else if (System.console() != null) {
                    secret = new String(System.console().readPassword("Secret of %s: ", clientId));
                } else {
                    throw CliFailure.usage(
                            "No client secret: pass --client-secret-file, or run in a terminal to be asked.");
                }
                CliConfig.Saved saved = CliConfig.require();
                ServerApi client = new ServerApi(saved.server(), Optional.ofNullable(saved.caPem()), Optional.empty());
                Map<String, String> form = new LinkedHashMap<>();
                form.put("grant_type", "client_credentials");
                if (scope != null) {
                    form.put("scope", scope);
                }
                String basic = "Basic "
                        + Base64.getEncoder()
                                .encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                                                + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                                        .getBytes(StandardCharsets.UTF_8));
                JsonNode answer = client.form(account.path() + "/oauth2/token", form, basic);
                System.out.println(answer.path("access_token").asText());
                System.err.println("expires in " + answer.path("expires_in").asLong() + " s; scope: "
                        + answer.path("scope").asText());
                return 0;
            }
        }

        @Command(
                name = "verify",
                mixinStandardHelpOptions = true,
                description = {
                    "Verify an access token against the keys its account publishes on the signed-in server:",
                    "signature, issuer, audience and validity. Exits 1 when it is not valid."
                })
        static final class Verify implements Callable<Integer> {
            @Parameters(paramLabel = "TOKEN")
            String token;

            @Override
            public Integer call() throws Exception {
                CliConfig.Saved saved = CliConfig.require();
                ServerApi client = new ServerApi(saved.server(), Optional.ofNullable(saved.caPem()), Optional.empty());
                SignedJWT jwt;
                JWTClaimsSet claims;
                try {
                    jwt = SignedJWT.parse(token.strip());
                    claims = jwt.getJWTClaimsSet();
                } catch (ParseException e) {
                    return invalid("it is not a signed JWT");
                }
                String issuer = claims.getIssuer();
                String prefix = client.server() + "/api/v1/accounts/";
                if (issuer == null
                        || !issuer.startsWith(prefix)
                        || issuer.substring(prefix.length()).contains("/")) {
                    return invalid("it was not issued by " + client.server() + " (issuer " + issuer + ")");
                }
                JWKSet keys = JWKSet.parse(
                        client.text(issuer.substring(client.server().length()) + "/.well-known/jwks.json"));
                JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
                if (key == null) {
                    return invalid("its key " + jwt.getHeader().getKeyID()
                            + " is not published by the account (retired or never its own)");
                }
                if (!JwsVerification.verifies(jwt, key)) {
                    return invalid("its signature does not verify");
                }
                if (claims.getAudience() == null || !claims.getAudience().contains(issuer)) {
                    return invalid("its audience is not the account");
                }
                Instant now = Instant.now();
                Date expires = claims.getExpirationTime();
                if (expires == null
                        || !expires.toInstant().plusSeconds(SKEW_SECONDS).isAfter(now)) {
                    return invalid("it expired at " + (expires == null ? "an unknown time" : expires.toInstant()));
                }
                if (claims.getNotBeforeTime() != null
                        && claims.getNotBeforeTime()
                                .toInstant()
                                .minusSeconds(SKEW_SECONDS)
                                .isAfter(now)) {
                    return invalid("it is not valid before "
                            + claims.getNotBeforeTime().toInstant());
                }
                System.out.println("valid: " + jwt.getHeader().getAlgorithm() + " token of client "
                        + claims.getSubject() + " for " + issuer.substring(prefix.length()));
                System.out.println("kid:     " + jwt.getHeader().getKeyID());
                System.out.println("scope:   " + claims.getClaim("scope"));
                System.out.println("expires: " + expires.toInstant());
                return 0;
            }

            private static int invalid(String why) {
                System.out.println("not valid: " + why);
                return 1;
            }
        }
    }

    private static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
