package io.certdesk.server.chains;

import io.certdesk.server.store.Database;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/** SQL for an account's lifecycle settings (no row: the defaults). */
public final class LifecycleSettingsStore {
    public LifecycleSettings of(Handle h, String accountId) {
        return h.createQuery(
                        "SELECT auto_renew, renew_at_percent, renew_days_before, expiry_notice_days FROM lifecycle_settings WHERE account_id = :a")
                .bind("a", accountId)
                .map((rs, ctx) -> new LifecycleSettings(
                        rs.getBoolean(1),
                        Optional.ofNullable((Integer) rs.getObject(2, Integer.class)),
                        Optional.ofNullable((Integer) rs.getObject(3, Integer.class)),
                        Arrays.stream(rs.getString(4).split(","))
                                .filter(s -> !s.isEmpty())
                                .map(Integer::valueOf)
                                .toList()))
                .findOne()
                .orElse(LifecycleSettings.defaults());
    }

    public void save(Handle h, String accountId, LifecycleSettings settings, Instant at) {
        h.createUpdate("DELETE FROM lifecycle_settings WHERE account_id = :a")
                .bind("a", accountId)
                .execute();
        h.createUpdate(
                        "INSERT INTO lifecycle_settings (account_id, auto_renew, renew_at_percent, renew_days_before, expiry_notice_days, updated_at) "
                                + "VALUES (:a, :auto, :pct, :days, :notices, :at)")
                .bind("a", accountId)
                .bind("auto", settings.autoRenew())
                .bind("pct", settings.renewAtPercent().orElse(null))
                .bind("days", settings.renewDaysBefore().orElse(null))
                .bind(
                        "notices",
                        settings.expiryNoticeDays().stream()
                                .map(String::valueOf)
                                .collect(Collectors.joining(",")))
                .bind("at", Database.utc(at))
                .execute();
    }
}
