package io.certdesk.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's saved session: server URL, the CA PEM that server's certificate chains to, and the
 * session token. Kept in {@code $CERTDESK_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/certdesk},
 * else {@code ~/.config/certdesk}, in {@code session.json} with mode 0600.
 */
public final class CliConfig {
    static final String FILE = "session.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What {@code login} saves. */
    public record Saved(String server, String caPem, String token) {
        @Override
        public String toString() {
            return "Saved[" + server + "]";
        }
    }

    private CliConfig() {}

    static Path directory(Map<String, String> env) {
        String explicit = env.get("CERTDESK_CONFIG_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("certdesk");
    }

    static void save(Saved saved) throws IOException {
        Path dir = directory(System.getenv());
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        MAPPER.writeValue(file.toFile(), saved);
    }

    static Optional<Saved> load() throws IOException {
        Path file = directory(System.getenv()).resolve(FILE);
        return Files.exists(file) ? Optional.of(MAPPER.readValue(file.toFile(), Saved.class)) : Optional.empty();
    }

    static Saved require() throws IOException {
        return load().orElseThrow(() ->
                CliFailure.usage("Not signed in: run 'certdesk login --server https://HOST:PORT' first."));
    }

    static void clear() throws IOException {
        Files.deleteIfExists(directory(System.getenv()).resolve(FILE));
    }
}
