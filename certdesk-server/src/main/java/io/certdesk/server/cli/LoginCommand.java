package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certdesk login}: signs in and saves the session for the other client commands. */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Sign in to a Certdesk server and save the session.")
public final class LoginCommand implements Callable<Integer> {
    /** The file a server writes the platform CA to in its data folder: {@code --cacert}'s default is {@code ./data/} and this name. */
    public static final String DEFAULT_CA_FILE = "platform-ca.pem";

    @Option(
            names = "--server",
            defaultValue = "https://localhost:8443",
            description = "Server URL (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(
            names = "--cacert",
            paramLabel = "FILE",
            description = "PEM file of the CA the server's certificate chains to (default: ./data/" + DEFAULT_CA_FILE
                    + " if it exists, else the JDK's trusted roots).")
    Path cacert;

    @Option(
            names = {"-u", "--username"},
            defaultValue = "admin",
            description = "User name (default: ${DEFAULT-VALUE}).")
    String username;

    @Option(
            names = {"-p", "--password"},
            interactive = true,
            arity = "0..1",
            description = "Password (asked for when not given; or $CERTDESK_PASSWORD).")
    char[] password;

    @Override
    public Integer call() throws Exception {
        Optional<String> caPem = caPem();
        char[] secret = password != null && password.length > 0
                ? password
                : Optional.ofNullable(System.getenv("CERTDESK_PASSWORD"))
                        .map(String::toCharArray)
                        .orElse(null);
        if (secret == null && System.console() != null) {
            secret = System.console().readPassword("Password for %s: ", username);
        }
        if (secret == null) {
            throw CliFailure.usage("No password: pass --password, set CERTDESK_PASSWORD, or run in a terminal.");
        }
        JsonNode session = new ServerApi(server, caPem, Optional.empty())
                .send("POST", "/api/v1/auth/login", Map.of("username", username, "password", new String(secret)));
        CliConfig.save(new CliConfig.Saved(
                server, caPem.orElse(null), session.path("token").asText()));
        System.out.println("Signed in to " + server + " as " + username + " until "
                + session.path("expiresAt").asText() + ".");
        return 0;
    }

    private Optional<String> caPem() throws IOException {
        Path file = cacert != null ? cacert : Path.of("data", DEFAULT_CA_FILE);
        if (Files.exists(file)) {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        }
        if (cacert != null) {
            throw CliFailure.usage("No such file: " + cacert);
        }
        return Optional.empty();
    }
}
