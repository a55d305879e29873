package io.certdesk.server.chains;

import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Reads and changes an account's lifecycle settings; a change reschedules the renewals waiting under the old ones. */
public final class LifecycleSettingsService {
    public static final int MIN_PERCENT = 10;
    public static final int MAX_PERCENT = 95;

    private final Database database;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final LifecycleSettingsStore store = new LifecycleSettingsStore();
    private final RenewalStore renewals = new RenewalStore();

    public LifecycleSettingsService(Database database, Access access, AuditLog audit, Clock clock) {
        this.database = database;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    public LifecycleSettings get(Principal actor, String accountId) {
        Account account = access.visibleAccount(actor, accountId);
        return database.read(h -> store.of(h, account.id()));
    }

    /** What a PUT asks for; absent members take their defaults. */
    public record Change(
            Optional<Boolean> autoRenew,
            Optional<Integer> renewAtPercent,
            Optional<Integer> renewDaysBefore,
            Optional<List<Integer>> expiryNoticeDays) {}

    public LifecycleSettings put(Principal actor, String accountId, Change change) {
        Account account = access.visibleAccount(actor, accountId);
        LifecycleSettings settings = validated(change);
        return database.inTransaction(h -> {
            store.save(h, account.id(), settings, clock.instant());
            renewals.reschedule(h, account.id(), settings);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.LIFECYCLE_SETTINGS_CHANGED,
                    (settings.autoRenew() ? "automatic renewal at " : "automatic renewal off (would be at ")
                            + settings.renewAtPercent()
                                    .map(p -> p + " % of the lifetime")
                                    .orElseGet(() -> settings.renewDaysBefore().orElseThrow() + " days before the end")
                            + (settings.autoRenew() ? "" : ")") + "; expiry notices at " + settings.expiryNoticeDays()
                            + " days");
            return store.of(h, account.id());
        });
    }

    static LifecycleSettings validated(Change change) {
        if (change.renewAtPercent().isPresent() && change.renewDaysBefore().isPresent()) {
            throw ServiceException.invalid(
                    "renewDaysBefore",
                    "Renew at a percentage of the lifetime (renewAtPercent) or a number of days before the end"
                            + " (renewDaysBefore), not both.");
        }
        change.renewAtPercent().ifPresent(p -> {
            if (p < MIN_PERCENT || p > MAX_PERCENT) {
                throw ServiceException.invalid(
                        "renewAtPercent",
                        "renewAtPercent must be between " + MIN_PERCENT + " and " + MAX_PERCENT + "; found " + p + ".");
            }
        });
        change.renewDaysBefore().ifPresent(d -> {
            if (d < 1 || d > LifecycleSettings.MAX_DAYS_BEFORE) {
                throw ServiceException.invalid(
                        "renewDaysBefore",
                        "renewDaysBefore must be between 1 and " + LifecycleSettings.MAX_DAYS_BEFORE + "; found " + d
                                + ".");
            }
        });
        List<Integer> notices = change.expiryNoticeDays().orElse(LifecycleSettings.DEFAULT_NOTICE_DAYS);
        if (notices.size() > LifecycleSettings.MAX_NOTICES) {
            throw ServiceException.invalid(
                    "expiryNoticeDays",
                    "At most " + LifecycleSettings.MAX_NOTICES + " expiry notice thresholds; found " + notices.size()
                            + ".");
        }
        for (Integer days : notices) {
            if (days == null || days < 1 || days > LifecycleSettings.MAX_DAYS_BEFORE) {
                throw ServiceException.invalid(
                        "expiryNoticeDays",
                        "Each expiry notice threshold is a number of days between 1 and "
                                + LifecycleSettings.MAX_DAYS_BEFORE + "; found " + days + ".");
            }
        }
        boolean byDays = change.renewDaysBefore().isPresent();
        return new LifecycleSettings(
                change.autoRenew().orElse(true),
                byDays
                        ? Optional.empty()
                        : Optional.of(change.renewAtPercent().orElse(LifecycleSettings.DEFAULT_PERCENT)),
                change.renewDaysBefore(),
                notices);
    }
}
