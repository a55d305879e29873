package io.certdesk.server.app;

import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.backup.Backups;
import io.certdesk.server.cli.CliFailure;
import io.certdesk.server.keys.MasterKeys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certdesk restore}: a backup into a new data folder, checked against the master key before anything is written. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a backup (certdesk backup) into a new, empty data folder; then start the server on it.",
            "The master key the backup's keys are sealed under is required; a wrong one is refused before anything is written."
        })
public final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup file.")
    Path from;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "The data folder to restore into (new, or without a database).")
    Path data;

    @Option(
            names = "--master-key-file",
            paramLabel = "FILE",
            description =
                    "The master key of the node the backup was taken on (32 bytes, or their base64); default: $CERTDESK_MASTER_KEY.")
    Path masterKeyFile;

    @Override
    public Integer call() throws Exception {
        MasterKey key = MasterKeys.fromEnvironment(System.getenv()).orElse(null);
        if (masterKeyFile != null) {
            key = MasterKeys.readFile(masterKeyFile);
        }
        if (key == null) {
            throw CliFailure.usage(
                    "Give the master key the backup was sealed under: --master-key-file or " + MasterKeys.ENV + ".");
        }
        if (!Files.isRegularFile(from)) {
            throw CliFailure.usage(from + " is not a file.");
        }
        Path keyFile = data.resolve(MasterKeys.FILE_NAME);
        Backups.Manifest manifest;
        try (InputStream in = Files.newInputStream(from)) {
            manifest = Backups.restore(in, data, key);
        } catch (Backups.RestoreRefused e) {
            throw CliFailure.refused(e.getMessage());
        }
        if (!Files.exists(keyFile) && masterKeyFile != null) {
            MasterKeys.write(keyFile, key); // the embedded default reads it from the data folder
        }
        System.out.println("Restored the backup of " + manifest.createdAt() + " (" + manifest.sealedKeys()
                + " sealed keys, master key " + key.id() + ") into " + data + ". Start it with: certdesk serve --data "
                + data);
        return 0;
    }
}
