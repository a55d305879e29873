package io.certdesk.server.app;

import io.certdesk.pki.PkiException;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.cli.CliFailure;
import io.certdesk.server.keys.MasterKeys;
import io.certdesk.server.keys.Rekey;
import io.certdesk.server.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code certdesk rekey}: re-wraps every data key under a new master key in one transaction.
 * Run it with every node stopped.
 */
@Command(
        name = "rekey",
        mixinStandardHelpOptions = true,
        description = {
            "Re-wrap every stored key under a new master key, in one transaction.",
            "Stop every node first. With the embedded database the data folder's master.key is replaced;",
            "otherwise start the nodes with the new key in CERTDESK_MASTER_KEY or --master-key-file."
        })
public final class RekeyCommand implements Callable<Integer> {
    @Option(
            names = "--new-master-key-file",
            required = true,
            paramLabel = "FILE",
            description =
                    "The new master key (32 bytes, or their base64); created with a fresh random key if the file does not exist.")
    Path newKeyFile;

    @Mixin
    DatabaseOptions db;

    @Override
    public Integer call() throws Exception {
        SecureRandom random = new SecureRandom();
        Path dataKeyFile = db.data.resolve(MasterKeys.FILE_NAME);
        MasterKey current = db.masterKey().orElseGet(() -> {
            if (db.dbUrl().isPresent() || !Files.exists(dataKeyFile)) {
                throw CliFailure.usage("No current master key: set " + MasterKeys.ENV + " or pass --master-key-file.");
            }
            try {
                return MasterKeys.readFile(dataKeyFile);
            } catch (IOException e) {
                throw CliFailure.usage("Cannot read " + dataKeyFile + ": " + e.getMessage());
            }
        });
        MasterKey next = MasterKeys.readOrCreate(newKeyFile, random);
        if (next.id().equals(current.id())) {
            throw CliFailure.usage(
                    "The new master key is the current one (id " + current.id() + "); give a different key.");
        }
        int count;
        try (Database database = Database.open(ServerConfig.jdbcUrl(db.dbUrl(), db.data), db.dbUser, db.dbPassword)) {
            count = Rekey.rewrapAll(database, current, next, random);
        } catch (PkiException e) {
            throw CliFailure.refused(e.getMessage() + " Nothing was changed.");
        }
        if (db.dbUrl().isEmpty()
                && db.masterKeyFile == null
                && MasterKeys.fromEnvironment(System.getenv()).isEmpty()) {
            MasterKeys.write(dataKeyFile, next);
            System.out.println("Re-wrapped " + count + " keys under master key " + next.id() + "; " + dataKeyFile
                    + " now holds it.");
        } else {
            System.out.println("Re-wrapped " + count + " keys under master key " + next.id()
                    + ". Start every node with the new key (" + MasterKeys.ENV + " or --master-key-file " + newKeyFile
                    + ").");
        }
        return 0;
    }
}
