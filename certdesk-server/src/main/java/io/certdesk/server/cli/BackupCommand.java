package io.certdesk.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certdesk backup --to FILE}: the running node's embedded database, copied while it serves. */
@Command(
        name = "backup",
        mixinStandardHelpOptions = true,
        description = {
            "Take a consistent backup of the embedded database while the server runs (the platform admin's; sign in",
            "first). The file holds the sealed keys, not the master key: keep the master key apart, restore needs it.",
            "On PostgreSQL use pg_dump (README)."
        })
public final class BackupCommand implements Callable<Integer> {
    @Option(names = "--to", required = true, paramLabel = "FILE", description = "Where to write the backup (a zip).")
    Path to;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(to)) {
            throw CliFailure.usage(to + " exists; give a new file.");
        }
        byte[] backup = ServerApi.fromSaved(CliConfig.require()).postForBytes("/api/v1/platform/backup");
        Path parent = to.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, ".certdesk-backup", ".part");
        try {
            try {
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // a file system without POSIX permissions: the folder's own access applies
            }
            Files.write(partial, backup, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(partial, to);
        } finally {
            Files.deleteIfExists(partial);
        }
        System.out.println("Backup written to " + to + " (" + backup.length + " bytes).");
        return 0;
    }
}
