package io.certdesk.server.expiry;

import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What ends within a window, soonest first (what has ended already comes first): of one account,
 * or of the whole platform for its admin, paged, with the platform's own certificates.
 */
public final class ExpiryService {
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    public static final Duration LONGEST_WINDOW = Duration.ofDays(3650);
    public static final int MAX_PAGE = 500;

    private final Database database;
    private final Access access;
    private final PlatformCaService platformCa;
    private final Clock clock;
    private final ExpiryStore store = new ExpiryStore();

    public ExpiryService(Database database, Access access, PlatformCaService platformCa, Clock clock) {
        this.database = database;
        this.access = access;
        this.platformCa = platformCa;
        this.clock = clock;
    }

    /**
     * A listing made {@code at}: what ends before {@code until}; {@code next}, the cursor of the
     * next page when there may be one.
     */
    public record Listing(Instant at, Instant until, List<ExpiringItem> items, Optional<String> next) {}

    /** Everything of the account ending within {@code within} from now. */
    public Listing ofAccount(Principal actor, String accountId, Duration within) {
        Account account = access.visibleAccount(actor, accountId);
        Instant now = clock.instant();
        Instant until = now.plus(within);
        return database.read(h -> new Listing(
                now, until, store.withDependents(h, store.ofAccount(h, account.id(), until), now), Optional.empty()));
    }

    /**
     * The platform admin's page of everything ending within {@code within}, after {@code cursor}.
     * The order is by end; at the same end the platform's own certificates (by fingerprint) come
     * before the accounts' (in the database's order), so a cursor says which of the two it is in.
     */
    public Listing platform(Principal actor, Duration within, Optional<String> cursor, int limit) {
        if (!actor.isPlatformAdmin()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "Only the platform admin lists what ends across accounts.");
        }
        Optional<ExpiryStore.Cursor> after = cursor.map(ExpiryService::decode);
        Instant now = clock.instant();
        Instant until = now.plus(within);
        return database.read(h -> {
            List<ExpiringItem> own = store.platformItems(h, platformCa.caCertificates()).stream()
                    .filter(i -> i.notAfter().isBefore(until))
                    .filter(i -> after.map(c -> c.platform()
                                    ? i.notAfter().isAfter(c.notAfter())
                                            || (i.notAfter().equals(c.notAfter()) && i.id().compareTo(c.id()) > 0)
                                    : i.notAfter().isAfter(c.notAfter()))
                            .orElse(true))
                    .sorted(Comparator.comparing(ExpiringItem::notAfter).thenComparing(ExpiringItem::id))
                    .toList();
            List<ExpiringItem> items = new ArrayList<>(own);
            items.addAll(store.page(h, until, after, limit)); // in the database's order, kept by the stable sort
            items.sort(Comparator.comparing(ExpiringItem::notAfter)
                    .thenComparingInt(i -> i.accountId().isEmpty() ? 0 : 1));
            List<ExpiringItem> page = items.size() > limit ? items.subList(0, limit) : items;
            Optional<String> next = page.size() < limit ? Optional.empty() : Optional.of(encode(page.get(limit - 1)));
            return new Listing(now, until, store.withDependents(h, page, now), next);
        });
    }

    /** {@code within} as an ISO-8601 duration ({@code P30D}, {@code PT12H}), 0 to 10 years; absent: 30 days. */
    public static Duration window(Optional<String> within) {
        if (within.isEmpty() || within.get().isBlank()) {
            return DEFAULT_WINDOW;
        }
        try {
            Duration d = Duration.parse(within.get().strip().toUpperCase(java.util.Locale.ROOT));
            if (d.isNegative() || d.compareTo(LONGEST_WINDOW) > 0) {
                throw ServiceException.invalid("within", "within is at most P3650D (10 years), and not negative.");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw ServiceException.invalid(
                    "within", "within is an ISO-8601 duration such as P30D (30 days) or PT12H (12 hours).");
        }
    }

    private static String encode(ExpiringItem last) {
        String platform = last.accountId().isEmpty() ? "P" : "D";
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((platform + "|" + last.notAfter() + "|" + last.id() + "|" + last.position())
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static ExpiryStore.Cursor decode(String cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 4);
            if (!parts[0].equals("P") && !parts[0].equals("D")) {
                throw new IllegalArgumentException(parts[0]);
            }
            return new ExpiryStore.Cursor(
                    parts[0].equals("P"), Instant.parse(parts[1]), parts[2], Integer.parseInt(parts[3]));
        } catch (RuntimeException e) {
            throw ServiceException.invalid("after", "after is the 'next' of the previous page, as it was given.");
        }
    }
}
