package io.certdesk.server.trust;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.imports.ImportWarning;
import io.certdesk.pki.imports.TrustedCaImport;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountType;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** An account's trusted CA certificates: import (one transaction per file), list, read, delete. */
public final class TrustedCaService {
    public static final int MAX_PAGE = 500;
    public static final int MAX_PER_ACCOUNT = 10_000;

    private final Database database;
    private final TrustedCaStore store;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;

    public TrustedCaService(Database database, TrustedCaStore store, Access access, AuditLog audit, Clock clock) {
        this.database = database;
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    /** What an import stored, skipped and warned about. */
    public record ImportOutcome(
            List<TrustedCa> imported, List<TrustedCaImport.Skipped> skipped, List<ImportWarning> warnings) {}

    /** A page of certificates and the cursor of the next page, if there is one. */
    public record Page(List<TrustedCa> certificates, Optional<String> next) {}

    /**
     * Imports every certificate of a file, or none: the file's refusal (a {@code PkiException})
     * or any failure leaves the account as it was.
     */
    public ImportOutcome importFile(Principal actor, String accountId, byte[] file) {
        Account account = access.visibleAccount(actor, accountId);
        try {
            return importOnce(actor, account, file);
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) {
                throw e;
            }
            // A concurrent import stored one of these certificates first: evaluate again, it is now skipped.
            return importOnce(actor, account, file);
        }
    }

    private ImportOutcome importOnce(Principal actor, Account account, byte[] file) {
        return database.inTransaction(h -> {
            Instant now = clock.instant();
            TrustedCaImport.Result result = TrustedCaImport.evaluate(file, store.sha256s(h, account.id()), now);
            int total = store.count(h, account.id()) + result.imported().size();
            if (total > MAX_PER_ACCOUNT) {
                throw new ServiceException(
                        ErrorCode.TOO_MANY_CERTIFICATES,
                        "An account holds at most " + MAX_PER_ACCOUNT + " trusted certificates; this file would make "
                                + total + ". Delete some first.");
            }
            List<TrustedCa> stored = new ArrayList<>();
            for (TrustedCaImport.Accepted accepted : result.imported()) {
                TrustedCa ca = new TrustedCa(UUID.randomUUID().toString(), account.id(), accepted.info(), now, false);
                store.insert(h, ca, CertificateCodec.encodeDer(accepted.certificate()));
                stored.add(ca);
            }
            if (!stored.isEmpty()) {
                audit.record(
                        h,
                        actor.username(),
                        account.id(),
                        AuditAction.TRUSTED_CA_IMPORTED,
                        String.join(
                                "; ",
                                stored.stream()
                                        .map(c -> c.info().subject() + " (sha256 "
                                                + c.info().sha256() + ")")
                                        .toList()));
            }
            return new ImportOutcome(stored, result.skipped(), result.warnings());
        });
    }

    public Page list(Principal actor, String accountId, Optional<String> after, int limit) {
        Account account = access.visibleAccount(actor, accountId);
        int size = Math.max(1, Math.min(MAX_PAGE, limit));
        return database.read(h -> {
            Optional<TrustedCa> cursor = Optional.empty();
            if (after.isPresent()) {
                cursor = Optional.of(store.find(h, account.id(), after.get())
                        .orElseThrow(() -> new ServiceException(
                                ErrorCode.VALIDATION_FAILED,
                                "The cursor 'after' names no certificate of this account; start again without it.",
                                Map.of("field", "after"))));
            }
            List<TrustedCa> rows = store.page(h, account.id(), cursor, size + 1);
            Optional<String> next =
                    rows.size() > size ? Optional.of(rows.get(size - 1).id()) : Optional.empty();
            return new Page(rows.subList(0, Math.min(size, rows.size())), next);
        });
    }

    public TrustedCa get(Principal actor, String accountId, String certId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.find(h, account.id(), certId))
                .orElseThrow(() -> ServiceException.notFound("Certificate " + certId));
    }

    /** The DER encoding of a trusted certificate. */
    public byte[] der(Principal actor, String accountId, String certId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.der(h, account.id(), certId))
                .orElseThrow(() -> ServiceException.notFound("Certificate " + certId));
    }

    /** Shares a vendor's certificate with its customers (or stops); only a vendor's certificates can be. */
    public TrustedCa share(Principal actor, String accountId, String certId, boolean shared) {
        Account account = access.visibleAccount(actor, accountId);
        if (account.type() != AccountType.VENDOR) {
            throw new ServiceException(
                    ErrorCode.VALIDATION_FAILED,
                    "Only a vendor's trusted CA certificates can be shared with customers.");
        }
        if (actor.accountId().isPresent() && !actor.accountId().get().equals(account.id())) {
            throw new ServiceException(
                    ErrorCode.FORBIDDEN, "Only the vendor's admins and the platform admin can share its certificates.");
        }
        return database.inTransaction(h -> {
            if (!store.setShared(h, account.id(), certId, shared)) {
                throw ServiceException.notFound("Certificate " + certId);
            }
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.TRUSTED_CA_SHARED,
                    (shared ? "shared " : "unshared ") + certId);
            return store.find(h, account.id(), certId).orElseThrow();
        });
    }

    public void delete(Principal actor, String accountId, String certId) {
        Account account = access.visibleAccount(actor, accountId);
        database.inTransaction(h -> {
            TrustedCa ca = store.find(h, account.id(), certId)
                    .orElseThrow(() -> ServiceException.notFound("Certificate " + certId));
            store.delete(h, account.id(), certId);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.TRUSTED_CA_DELETED,
                    ca.info().subject() + " (sha256 " + ca.info().sha256() + ")");
            return null;
        });
    }
}
