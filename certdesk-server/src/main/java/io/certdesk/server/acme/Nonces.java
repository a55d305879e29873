package io.certdesk.server.acme;

import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Replay nonces (RFC 8555 §6.5) that cost nothing to hand out: each is its time, random bytes and
 * a MAC under a key all nodes share (sealed in the database), so any node can check one; taking
 * one is a row in {@code acme_used_nonces}, so it is taken once on whichever node sees it first.
 */
public final class Nonces {
    /** How long a nonce may be used after it was handed out. */
    public static final Duration LIFETIME = Duration.ofHours(1);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int TIME = 8;
    private static final int RANDOM = 12;
    private static final int MAC = 16;

    private final Database database;
    private final Clock clock;
    private final SecureRandom random;
    private final byte[] key;

    private Nonces(Database database, Clock clock, SecureRandom random, byte[] key) {
        this.database = database;
        this.clock = clock;
        this.random = random;
        this.key = key;
    }

    /** The nonce key of the platform, made by the first node that needs one. */
    public static Nonces load(Database database, KeyVault vault, Clock clock, SecureRandom random) {
        try {
            return loadOnce(database, vault, clock, random);
        } catch (UnableToExecuteStatementException e) {
            return loadOnce(database, vault, clock, random); // another node made it at the same moment: read it
        }
    }

    private static Nonces loadOnce(Database database, KeyVault vault, Clock clock, SecureRandom random) {
        byte[] key = database.inTransaction(h -> {
            var existing = h.createQuery("SELECT nonce_key_id FROM acme_settings WHERE id = 1")
                    .mapTo(String.class)
                    .findOne();
            if (existing.isPresent()) {
                return vault.secret(h, existing.get());
            }
            byte[] fresh = new byte[32];
            random.nextBytes(fresh);
            String id = vault.putSecret(h, null, fresh);
            h.createUpdate("INSERT INTO acme_settings (id, nonce_key_id) VALUES (1, :k)")
                    .bind("k", id)
                    .execute();
            return fresh;
        });
        return new Nonces(database, clock, random, key);
    }

    /** A fresh nonce. */
    public String next() {
        byte[] nonce = new byte[TIME + RANDOM + MAC];
        ByteBuffer.wrap(nonce).putLong(clock.millis());
        byte[] r = new byte[RANDOM];
        random.nextBytes(r);
        System.arraycopy(r, 0, nonce, TIME, RANDOM);
        System.arraycopy(mac(nonce, TIME + RANDOM), 0, nonce, TIME + RANDOM, MAC);
        return B64.encodeToString(nonce);
    }

    /** Takes {@code nonce}: false when it is not one of ours, too old, or taken before. */
    public boolean take(String nonce) {
        if (nonce == null || nonce.length() > 64) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (bytes.length != TIME + RANDOM + MAC
                || !MessageDigest.isEqual(
                        Arrays.copyOfRange(bytes, TIME + RANDOM, bytes.length), mac(bytes, TIME + RANDOM))) {
            return false;
        }
        Instant issued = Instant.ofEpochMilli(ByteBuffer.wrap(bytes).getLong());
        Instant now = clock.instant();
        if (issued.isAfter(now.plusSeconds(60)) || issued.plus(LIFETIME).isBefore(now)) {
            return false;
        }
        try {
            database.inTransaction(h -> h.createUpdate("INSERT INTO acme_used_nonces (nonce, used_at) VALUES (:n, :at)")
                    .bind("n", nonce)
                    .bind("at", Database.utc(now))
                    .execute());
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return false; // taken before, on this node or another
            }
            throw e;
        }
    }

    /** Forgets used nonces that could no longer be valid anyway; how many. */
    public int prune(Handle h) {
        return h.createUpdate("DELETE FROM acme_used_nonces WHERE used_at < :before")
                .bind("before", Database.utc(clock.instant().minus(LIFETIME).minusSeconds(120)))
                .execute();
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, 0, length);
            return Arrays.copyOf(mac.doFinal(), MAC);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing", e);
        }
    }
}
