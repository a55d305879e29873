package io.certdesk.server.requests;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.DeviceProfile;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.request.RequestedNames;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.chains.RevocationService;
import io.certdesk.server.store.Database;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Certificates the platform CA signs for keys held elsewhere: a device makes its key and a CSR,
 * the account's admin (or an automation with the account's token) sends the CSR, and the CA
 * issues for the names in it, each one exactly a domain of the account, with the platform's
 * profile (the request says the key and the names; the CA says everything else). Each one is
 * recorded with its DER, listed, downloadable again, revocable and in the expiry view.
 */
public final class DeviceSigningService {
    public static final int MAX_DAYS = 397;
    /** Certificates of this kind an account may have in force at once (neither ended nor revoked). */
    public static final int MAX_IN_FORCE = 5000;

    public static final int MAX_PAGE = 200;
    /** The certificates listed here: signed for keys held elsewhere, by a device's CSR or an ACME order. */
    public static final Set<IssuedFor> HELD_ELSEWHERE = IssuedFor.HELD_ELSEWHERE;

    private final Database database;
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final Optional<Provider> signatures;

    public DeviceSigningService(
            Database database,
            PlatformCaService platformCa,
            IssuedCertificateStore issued,
            Access access,
            AuditLog audit,
            Clock clock,
            Optional<Provider> signatures) {
        this.database = database;
        this.signatures = signatures;
        this.platformCa = platformCa;
        this.issued = issued;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    /** Refuses (404) a caller who may not see the account, before anything of the request is read. */
    public void requireVisible(Principal actor, String accountId) {
        access.visibleAccount(actor, accountId);
    }

    /** What was signed: its record and its chain, leaf first. */
    public record Signed(IssuedCertificate certificate, List<X509Certificate> chain) {}

    /** Signs a device's PKCS#10 (PEM or DER) for {@code profile}; {@code validityDays} defaults to {@link #MAX_DAYS}. */
    public Signed sign(
            Principal actor, String accountId, byte[] csr, DeviceProfile profile, Optional<Integer> validityDays) {
        Account account = access.visibleAccount(actor, accountId);
        int days = validityDays.orElse(MAX_DAYS);
        if (days < 1 || days > MAX_DAYS) {
            throw ServiceException.invalid(
                    "validityDays", "validityDays must be between 1 and " + MAX_DAYS + "; found " + days + ".");
        }
        Pkcs10.Request request = Pkcs10.readPkcs10(csr, signatures);
        RequestedNames.requireIssuableKey(request.publicKey());
        List<String> names =
                RequestedNames.require(request.hostNames(), request.ipAddresses(), Set.copyOf(account.domains()));
        List<X509Certificate> chain =
                platformCa.issueForKey(request.publicKey(), names, profile, Duration.ofDays(days));
        X509Certificate leaf = chain.get(0);
        IssuedCertificate record = database.inTransaction(h -> {
            Instant now = clock.instant();
            int inForce = issued.countInForce(h, account.id(), IssuedFor.SIGNED_REQUEST, now);
            if (inForce >= MAX_IN_FORCE) {
                throw new ServiceException(
                        ErrorCode.VALIDATION_FAILED,
                        "The account has " + inForce + " certificates for devices' requests in force, the most it"
                                + " may have; revoke the ones no longer used first.");
            }
            issued.record(
                    h,
                    leaf,
                    chain.get(1),
                    IssuedFor.SIGNED_REQUEST,
                    Optional.of(account.id()),
                    Optional.empty(),
                    names,
                    now,
                    true);
            audit.record(
                    h,
                    actor.username(),
                    account.id(),
                    AuditAction.REQUEST_SIGNED,
                    leaf.getSubjectX500Principal().getName() + " (serial "
                            + leaf.getSerialNumber().toString(16) + ", " + profile + ", " + String.join(", ", names)
                            + ")");
            return issued.find(
                            h,
                            CertificateCodec.sha256Hex(chain.get(1)),
                            leaf.getSerialNumber().toString(16))
                    .orElseThrow();
        });
        return new Signed(record, chain);
    }

    /** The account's certificates for keys held elsewhere (devices' CSRs, ACME orders), newest first, a page after {@code before}. */
    public List<IssuedCertificate> list(
            Principal actor, String accountId, Optional<IssuedCertificateStore.Cursor> before, int limit) {
        Account account = access.visibleAccount(actor, accountId);
        int n = Math.max(1, Math.min(limit, MAX_PAGE));
        return database.read(h -> issued.ofAccount(h, account.id(), HELD_ELSEWHERE, before, n));
    }

    /** One of them by serial, with its chain as issued (leaf, issuing CA, root). */
    public Signed get(Principal actor, String accountId, String serial) {
        Account account = access.visibleAccount(actor, accountId);
        String wanted = RevocationService.normalizedSerial(serial);
        return database.read(h -> {
            IssuedCertificate record = issued.bySerial(h, wanted).stream()
                    .filter(c -> c.accountId().filter(account.id()::equals).isPresent()
                            && HELD_ELSEWHERE.contains(c.issuedFor()))
                    .findFirst()
                    .orElseThrow(() -> ServiceException.notFound(
                            "A certificate with serial " + wanted + " signed for a request of this account"));
            X509Certificate leaf = CertificateCodec.decodeDer(
                    issued.der(h, record.issuerSha256(), record.serial()).orElseThrow());
            List<X509Certificate> cas = new java.util.ArrayList<>(List.of(leaf));
            cas.addAll(platformCa.chainAbove(h, record.issuerSha256()));
            return new Signed(record, cas);
        });
    }
}
