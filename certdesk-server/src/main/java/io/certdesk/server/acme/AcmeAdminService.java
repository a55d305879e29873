package io.certdesk.server.acme;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.acme.AcmeRecords.AcmeSettings;
import io.certdesk.server.acme.AcmeRecords.EabKey;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What an account's admins set up for its ACME directory: external account binding credentials
 * (each binds one ACME client's account, once; the MAC key is shown once and kept sealed),
 * whether the account's domains count as validated already, and its hourly order limit.
 */
public final class AcmeAdminService {
    public static final int MAX_CREDENTIALS = 100;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Database database;
    private final AcmeStore store = new AcmeStore();
    private final KeyVault vault;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public AcmeAdminService(
            Database database, KeyVault vault, Access access, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.vault = vault;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** A new credential: its key id and its HMAC key (base64url, 256 bits), which is never shown again. */
    public record NewCredential(EabKey credential, String hmacKey) {
        @Override
        public String toString() {
            return "NewCredential[" + credential.keyId() + "]";
        }
    }

    public NewCredential createEab(Principal actor, String accountId, Optional<String> description) {
        Account account = access.visibleAccount(actor, accountId);
        if (description.isPresent() && description.get().length() > 200) {
            throw ServiceException.invalid("description", "A description is at most 200 characters.");
        }
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] id = new byte[12];
        random.nextBytes(id);
        String keyId = "eab_" + B64.encodeToString(id);
        try {
            return database.inTransaction(h -> {
                int count = store.countEab(h, account.id());
                if (count >= MAX_CREDENTIALS) {
                    throw new ServiceException(
                            ErrorCode.VALIDATION_FAILED,
                            "The account has " + count
                                    + " EAB credentials, the most it may; delete unused ones first.");
                }
                String sealed = vault.putSecret(h, account.id(), key);
                store.insertEab(h, keyId, account.id(), sealed, description, clock.instant());
                audit.record(
                        h, actor.username(), account.id(), AuditAction.ACME_EAB_CREATED, "EAB credential " + keyId);
                EabKey created = store.eabOf(h, account.id()).stream()
                        .filter(k -> k.keyId().equals(keyId))
                        .findFirst()
                        .orElseThrow();
                return new NewCredential(created, B64.encodeToString(key));
            });
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    public List<EabKey> listEab(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.eabOf(h, account.id()));
    }

    /** Deletes a credential (the ACME account it bound stays, with its orders and certificates). */
    public void deleteEab(Principal actor, String accountId, String keyId) {
        Account account = access.visibleAccount(actor, accountId);
        database.inTransaction(h -> {
            if (!store.deleteEab(h, account.id(), keyId)) {
                throw ServiceException.notFound("EAB credential " + keyId);
            }
            audit.record(h, actor.username(), account.id(), AuditAction.ACME_EAB_DELETED, "EAB credential " + keyId);
            return null;
        });
    }

    public AcmeSettings settings(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.settings(h, account.id()));
    }

    /**
     * Changes the account's ACME settings; what is empty stays. Whether its domains count as
     * validated (authorizations valid at once: for terminals that cannot answer a challenge) is
     * its admins' choice: the names are the account's by the platform's record (only those above
     * it set them). The hourly order limit protects the platform, so only its admin changes it.
     */
    public AcmeSettings updateSettings(
            Principal actor, String accountId, Optional<Boolean> prevalidated, Optional<Integer> ordersPerHour) {
        Account account = access.visibleAccount(actor, accountId);
        if (ordersPerHour.isPresent()
                && (ordersPerHour.get() < 1 || ordersPerHour.get() > AcmeSettings.MAX_ORDERS_PER_HOUR)) {
            throw ServiceException.invalid(
                    "ordersPerHour", "ordersPerHour is between 1 and " + AcmeSettings.MAX_ORDERS_PER_HOUR + ".");
        }
        return database.inTransaction(h -> {
            AcmeSettings before = store.settings(h, account.id());
            AcmeSettings after = new AcmeSettings(
                    prevalidated.orElse(before.domainsPrevalidated()), ordersPerHour.orElse(before.ordersPerHour()));
            if (after.ordersPerHour() != before.ordersPerHour() && !actor.isPlatformAdmin()) {
                throw new ServiceException(
                        ErrorCode.FORBIDDEN, "Only the platform admin changes an account's ACME order limit.");
            }
            if (after.equals(before)) {
                return before;
            }
            store.saveSettings(h, account.id(), after, clock.instant());
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.ACME_SETTINGS_CHANGED,
                    "domains count as validated: " + after.domainsPrevalidated() + ", orders per hour: "
                            + after.ordersPerHour());
            return after;
        });
    }
}
