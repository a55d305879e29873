package io.certdesk.server.backup;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.keys.SealedKeyStore;
import io.certdesk.server.store.Database;
import io.certdesk.server.store.DatabaseKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Backups of the embedded database: a consistent copy taken while the node serves (H2's own
 * {@code BACKUP TO}, which copies a committed snapshot), with a manifest that names the master
 * keys its sealed keys need (their ids, never the keys); and the restore of one into an empty data
 * folder, refused before anything is written when the master key given does not open every key.
 * PostgreSQL is backed up with its own tools (pg_dump); see the README.
 */
public final class Backups {
    /** The manifest's entry name in a backup file. */
    public static final String MANIFEST = "certdesk-backup.json";
    /** The H2 database file's name, in the data folder and in a backup. */
    public static final String DATABASE_FILE = Database.EMBEDDED_NAME + ".mv.db";
    /** The largest backup a restore reads. */
    public static final long MAX_DATABASE_BYTES = 64L << 30;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public Backups(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a backup says of itself. */
    public record Manifest(int format, Instant createdAt, String database, List<String> masterKeyIds, int sealedKeys) {}

    /** Writes a backup of the embedded database to {@code out} (a zip: the database file and the manifest). */
    public void backup(Principal actor, OutputStream out) {
        if (!actor.isPlatformAdmin()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "Only the platform admin makes backups.");
        }
        if (database.kind() != DatabaseKind.H2) {
            throw new ServiceException(
                    ErrorCode.NOT_EMBEDDED,
                    "This node runs on PostgreSQL: back it up with pg_dump (and keep the master key apart), as the README says.");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("certdesk-backup");
            Path h2Zip = dir.resolve("h2.zip");
            Manifest manifest = database.read(h -> {
                h.execute("BACKUP TO '" + h2Zip.toAbsolutePath().toString().replace("'", "''") + "'");
                SealedKeyStore keys = new SealedKeyStore();
                return new Manifest(
                        1,
                        clock.instant(),
                        "h2",
                        keys.masterKeyIds(h),
                        h.createQuery("SELECT COUNT(*) FROM sealed_keys")
                                .mapTo(Integer.class)
                                .one());
            });
            try (ZipOutputStream zip = new ZipOutputStream(out);
                    ZipInputStream copy = new ZipInputStream(Files.newInputStream(h2Zip))) {
                zip.putNextEntry(new ZipEntry(MANIFEST));
                zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifestJson(manifest)));
                zip.closeEntry();
                for (ZipEntry entry; (entry = copy.getNextEntry()) != null; ) {
                    if (entry.getName().equals(DATABASE_FILE)) {
                        zip.putNextEntry(new ZipEntry(DATABASE_FILE));
                        copy.transferTo(zip);
                        zip.closeEntry();
                    }
                }
            }
            audit.recordAlone(
                    actor.username(),
                    null,
                    AuditAction.BACKUP_MADE,
                    "backup of the embedded database, " + manifest.sealedKeys() + " sealed keys under master key(s) "
                            + manifest.masterKeyIds());
        } catch (IOException e) {
            throw new UncheckedIOException("writing the backup failed", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static Map<String, Object> manifestJson(Manifest m) {
        return Map.of(
                "format", m.format(),
                "createdAt", m.createdAt().toString(),
                "database", m.database(),
                "masterKeyIds", m.masterKeyIds(),
                "sealedKeys", m.sealedKeys());
    }

    /** Why a restore did not happen, in a sentence for the operator; nothing was written. */
    public static final class RestoreRefused extends RuntimeException {
        RestoreRefused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Restores {@code backup} into {@code dataDir}, which must hold no database yet: reads the
     * manifest, checks the master key is the one the backup's keys are sealed under, copies the
     * database beside the folder and opens every sealed key with the key before the database file
     * is moved into place. Returns the manifest.
     *
     * @throws RestoreRefused when the folder holds a database, the file is not a backup, or the key
     *                        does not open the keys; the data folder is then as it was
     */
    public static Manifest restore(InputStream backup, Path dataDir, MasterKey masterKey) {
        Path target = dataDir.resolve(DATABASE_FILE);
        if (Files.exists(target)) {
            throw new RestoreRefused(dataDir + " already holds a database (" + DATABASE_FILE
                    + "); restore into a new, empty data folder.");
        }
        Path staging = null;
        try {
            Files.createDirectories(dataDir);
            staging = Files.createTempDirectory(dataDir.toAbsolutePath().getParent(), ".certdesk-restore");
            Manifest manifest = null;
            boolean database = false;
            try (ZipInputStream zip = new ZipInputStream(backup)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    if (entry.getName().equals(MANIFEST)) {
                        manifest = readManifest(zip.readNBytes(64 * 1024));
                    } else if (entry.getName().equals(DATABASE_FILE)) {
                        long copied = copyBounded(zip, staging.resolve(DATABASE_FILE));
                        database = copied > 0;
                    }
                }
            } catch (java.util.zip.ZipException e) {
                throw new RestoreRefused("The file is not a Certdesk backup (not a zip: " + e.getMessage() + ").");
            }
            if (manifest == null || !database) {
                throw new RestoreRefused("The file is not a Certdesk backup: it has no "
                        + (manifest == null ? MANIFEST : DATABASE_FILE) + ".");
            }
            if (!manifest.masterKeyIds().isEmpty() && !manifest.masterKeyIds().contains(masterKey.id())) {
                throw new RestoreRefused("The backup's keys are sealed under master key " + manifest.masterKeyIds()
                        + ", and the key given is " + masterKey.id()
                        + ": give the master key of the node it was taken on."
                        + " Nothing was written.");
            }
            int opened;
            try (Database copy = Database.open(Database.embeddedUrl(staging), "certdesk", "")) {
                opened = openEvery(copy, masterKey);
            }
            if (opened != manifest.sealedKeys()) {
                throw new RestoreRefused("The backup's manifest names " + manifest.sealedKeys()
                        + " sealed keys but its database holds " + opened + ": it is damaged. Nothing was written.");
            }
            Files.move(staging.resolve(DATABASE_FILE), target, StandardCopyOption.ATOMIC_MOVE);
            return manifest;
        } catch (PkiException e) {
            throw new RestoreRefused(e.getMessage() + " Nothing was written.");
        } catch (IOException e) {
            throw new UncheckedIOException("restoring failed; " + dataDir + " holds no database", e);
        } finally {
            deleteQuietly(staging);
        }
    }

    /** How many sealed keys open with {@code masterKey}; a {@link PkiException} at the first that does not. */
    private static int openEvery(Database database, MasterKey masterKey) {
        KeySealer sealer = new KeySealer(masterKey, new SecureRandom());
        return database.read(h -> {
            int n = 0;
            for (SealedKeyStore.Row row : new SealedKeyStore().all(h)) {
                sealer.rewrap(row.sealed(), masterKey); // unwraps the data key: the master key's proof
                n++;
            }
            return n;
        });
    }

    private static Manifest readManifest(byte[] bytes) {
        try {
            var node = JSON.readTree(bytes);
            List<String> ids = new java.util.ArrayList<>();
            node.path("masterKeyIds").forEach(id -> ids.add(id.asText()));
            if (node.path("format").asInt() != 1) {
                throw new RestoreRefused(
                        "The backup is of format " + node.path("format") + "; this Certdesk reads format 1.");
            }
            return new Manifest(
                    1,
                    Instant.parse(node.path("createdAt").asText()),
                    node.path("database").asText(),
                    ids,
                    node.path("sealedKeys").asInt());
        } catch (IOException | RuntimeException e) {
            if (e instanceof RestoreRefused r) {
                throw r;
            }
            throw new RestoreRefused("The backup's manifest cannot be read: " + e.getMessage());
        }
    }

    private static long copyBounded(InputStream in, Path to) throws IOException {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(to)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > MAX_DATABASE_BYTES) {
                    throw new RestoreRefused(
                            "The backup's database is larger than " + (MAX_DATABASE_BYTES >> 30) + " GiB.");
                }
                out.write(buf, 0, n);
            }
        }
        return total;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a temporary file left behind is all this costs
                }
            });
        } catch (IOException e) {
            // as above
        }
    }
}
