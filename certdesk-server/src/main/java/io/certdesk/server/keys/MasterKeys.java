package io.certdesk.server.keys;

import io.certdesk.pki.seal.MasterKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Where the master key comes from: {@code CERTDESK_MASTER_KEY} (base64 of 32 bytes), or a key
 * file (32 raw bytes, or their base64 on one line), created with mode 0600 on first start.
 */
public final class MasterKeys {
    public static final String ENV = "CERTDESK_MASTER_KEY";
    public static final String FILE_NAME = "master.key";

    private MasterKeys() {}

    /** The key from the environment, if {@value #ENV} is set. */
    public static Optional<MasterKey> fromEnvironment(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(decodeBase64(value.strip(), ENV));
    }

    /** Reads a key file: 32 raw bytes, or one line of base64. */
    public static MasterKey readFile(Path file) throws IOException {
        byte[] content = Files.readAllBytes(file);
        if (content.length == MasterKey.LENGTH) {
            return MasterKey.of(content);
        }
        return decodeBase64(new String(content, StandardCharsets.US_ASCII).strip(), file.toString());
    }

    /** Reads the key file, or creates it with a fresh key (mode 0600) when it does not exist. */
    public static MasterKey readOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return readFile(file);
        }
        MasterKey key = MasterKey.generate(random);
        write(file, key);
        return key;
    }

    /** Writes a key file atomically with mode 0600 (replacing any existing one). */
    public static void write(Path file, MasterKey key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(
                dir,
                ".master",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, key.bytes());
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static MasterKey decodeBase64(String value, String source) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not base64 (expected the base64 of 32 random bytes)");
        }
        if (bytes.length != MasterKey.LENGTH) {
            throw new IllegalArgumentException(
                    source + " holds " + bytes.length + " bytes; a master key is " + MasterKey.LENGTH);
        }
        return MasterKey.of(bytes);
    }
}
