package io.certdesk.server.keys;

import io.certdesk.pki.seal.KeySealer;
import io.certdesk.pki.seal.MasterKey;
import io.certdesk.server.store.Database;
import java.security.SecureRandom;

/** Re-wraps every data key from the current master key to a new one, in one transaction. */
public final class Rekey {
    private Rekey() {}

    /** Returns how many keys were re-wrapped. Nothing changes if any key fails to open. */
    public static int rewrapAll(Database database, MasterKey current, MasterKey next, SecureRandom random) {
        KeySealer sealer = new KeySealer(current, random);
        SealedKeyStore store = new SealedKeyStore();
        return database.inTransaction(h -> {
            int count = 0;
            for (SealedKeyStore.Row row : store.allForUpdate(h)) {
                store.updateWrapping(h, row.id(), sealer.rewrap(row.sealed(), next));
                count++;
            }
            return count;
        });
    }
}
