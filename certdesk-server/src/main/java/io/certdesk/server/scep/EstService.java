package io.certdesk.server.scep;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.codec.Pkcs7Codec;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.request.RequestedNames;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.account.Account;
import io.certdesk.server.account.AccountStore;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.ca.IssuedCertificate;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.requests.DeviceSigningService;
import io.certdesk.server.scep.ScepRecords.ForeignNames;
import io.certdesk.server.scep.ScepRecords.PasswordKind;
import io.certdesk.server.scep.ScepRecords.RequestKind;
import io.certdesk.server.scep.ScepRecords.RequestStatus;
import io.certdesk.server.scep.ScepRecords.ScepPassword;
import io.certdesk.server.scep.ScepRecords.ScepSettings;
import io.certdesk.server.scep.ScepRecords.ScepTransaction;
import io.certdesk.server.store.Database;
import java.io.IOException;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * EST (RFC 7030) for the devices of every account, under the same settings, passwords and name
 * rules as SCEP: {@code cacerts}, {@code csrattrs}, {@code simpleenroll} (authorized by an
 * enrollment password as HTTP Basic, or by a device certificate of the account shown over TLS)
 * and {@code simplereenroll} (by the certificate being renewed, over TLS, for the same names).
 * A request held for an admin is answered 202 until decided; sent again with the same CSR, it
 * gets what was decided.
 */
public final class EstService {
    static final String DEVICE = "device (EST)";
    /** How long a client is told to wait before it asks again about a held request. */
    public static final Duration RETRY_AFTER = Duration.ofMinutes(1);

    private final Database database;
    private final ScepStore store;
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;
    private final AccountStore accounts;
    private final AuditLog audit;
    private final Clock clock;
    private final Optional<Provider> signatures;
    private final DeviceCertificates devices;

    public EstService(
            Database database,
            ScepStore store,
            PlatformCaService platformCa,
            IssuedCertificateStore issued,
            AccountStore accounts,
            AuditLog audit,
            Clock clock,
            Optional<Provider> signatures) {
        this.database = database;
        this.store = store;
        this.platformCa = platformCa;
        this.issued = issued;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
        this.signatures = signatures;
        this.devices = new DeviceCertificates(platformCa, issued);
    }

    /** How a client says who it is: an enrollment password (HTTP Basic), a certificate shown over TLS, or both. */
    public record Credentials(Optional<String> password, Optional<X509Certificate> certificate) {
        @Override
        public String toString() {
            return "Credentials[" + (password.isPresent() ? "a password" : "no password") + ", "
                    + certificate
                            .map(c -> "certificate " + c.getSerialNumber().toString(16))
                            .orElse("no certificate")
                    + "]";
        }
    }

    /** What an enrollment came to. */
    public sealed interface Outcome permits Issued, Pending {}

    /** The certificate issued (the device has the rest of the chain from cacerts). */
    public record Issued(X509Certificate certificate) implements Outcome {}

    /** Held for an admin: ask again with the same CSR after {@link #RETRY_AFTER}. */
    public record Pending(Duration retryAfter) implements Outcome {}

    /** The cacerts answer: the platform's issuing CAs and root, as a certs-only PKCS#7 (DER). */
    public byte[] caCertificates() {
        return Pkcs7Codec.writeCertificatesDer(platformCa.caCertificates());
    }

    /**
     * The csrattrs answer (RFC 7030 §4.5.2, DER): an EC P-256 key and an ECDSA with SHA-256
     * signature, the platform's choice (RSA keys of 2048 bits or more are issued too).
     */
    public byte[] csrAttributes() {
        ASN1EncodableVector attributes = new ASN1EncodableVector();
        attributes.add(X9ObjectIdentifiers.ecdsa_with_SHA256);
        attributes.add(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(SECObjectIdentifiers.secp256r1)));
        try {
            return new DERSequence(attributes).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whom an enrollment is for, and by what right. */
    private record Authorized(Account account, RequestKind kind, Optional<ScepPassword> password) {}

    /**
     * A simpleenroll ({@code reenroll} false) or simplereenroll of {@code csr} (DER or PEM) for the
     * account {@code urlAccount} names, or the one the credentials name when it names none.
     */
    public Outcome enroll(Optional<String> urlAccount, Credentials credentials, byte[] csr, boolean reenroll) {
        Pkcs10.Request request = Pkcs10.readPkcs10(csr, signatures);
        Instant now = clock.instant();
        Authorized who = database.read(h -> authorize(h, urlAccount, credentials, request, reenroll, now));
        ScepSettings settings =
                database.read(h -> store.settings(h, who.account().id()));
        if (!settings.enabled()) {
            throw new ServiceException(
                    ErrorCode.FORBIDDEN,
                    "Device enrollment (SCEP and EST) is off for this account: an admin turns it on.");
        }
        String csrSha = CertificateCodec.sha256Hex(request.der());
        String transaction = "est:" + csrSha;
        Optional<ScepTransaction> known =
                database.read(h -> store.request(h, who.account().id(), transaction, csrSha));
        if (known.isPresent()) {
            return answer(known.get());
        }
        if (who.password().isPresent()
                && !DeviceCertificates.usable(who.password().get(), now)) {
            throw wrongPassword();
        }
        RequestedNames.requireIssuableKey(request.publicKey());
        List<String> names;
        try {
            names = RequestedNames.require(
                    request.hostNames(),
                    request.ipAddresses(),
                    Set.copyOf(who.account().domains()));
        } catch (PkiException e) {
            if (e.error() == PkiError.DOMAIN_NOT_ALLOWED && settings.foreignNames() == ForeignNames.HOLD) {
                hold(who, transaction, csrSha, request, now);
                return new Pending(RETRY_AFTER);
            }
            throw e;
        }
        return new Issued(issue(who, request, names, settings));
    }

    private Authorized authorize(
            org.jdbi.v3.core.Handle h,
            Optional<String> urlAccount,
            Credentials credentials,
            Pkcs10.Request request,
            boolean reenroll,
            Instant now) {
        Optional<IssuedCertificate> shown = credentials.certificate().flatMap(c -> devices.issuedDevice(h, c));
        if (shown.isPresent()) {
            IssuedCertificate current = shown.get();
            if (current.revoked() || !current.notAfter().isAfter(now)) {
                throw new ServiceException(
                        ErrorCode.UNAUTHORIZED, "The certificate shown over TLS is revoked or has ended.");
            }
            Account account = current.accountId()
                    .flatMap(id -> accounts.find(h, id))
                    .filter(a -> urlAccount.isEmpty() || urlAccount.get().equals(a.id()))
                    .orElseThrow(() -> new ServiceException(
                            ErrorCode.UNAUTHORIZED, "The certificate shown over TLS is not one of this account's."));
            if (reenroll && !Set.copyOf(request.hostNames()).equals(new HashSet<>(current.dnsNames()))) {
                throw ServiceException.invalid(
                        "csr",
                        "A simplereenroll asks for the names of the certificate it renews ("
                                + String.join(", ", current.dnsNames())
                                + "; RFC 7030 §4.2.2); use simpleenroll for others.");
            }
            return new Authorized(account, reenroll ? RequestKind.RENEWAL : RequestKind.ENROLLMENT, Optional.empty());
        }
        if (reenroll) {
            throw new ServiceException(
                    ErrorCode.UNAUTHORIZED,
                    "A simplereenroll is authorized by the certificate being renewed, shown over TLS on the EST port.");
        }
        String given = credentials
                .password()
                .orElseThrow(() -> new ServiceException(
                        ErrorCode.UNAUTHORIZED,
                        "An enrollment is authorized by an enrollment password (HTTP Basic) or a device certificate of the"
                                + " account shown over TLS."));
        ScepPassword password = store.passwordBySecret(h, ScepAdminService.hash(given))
                .filter(p -> urlAccount.isEmpty() || urlAccount.get().equals(p.accountId()))
                .orElseThrow(EstService::wrongPassword);
        Account account = accounts.find(h, password.accountId()).orElseThrow(EstService::wrongPassword);
        return new Authorized(account, RequestKind.ENROLLMENT, Optional.of(password));
    }

    private static ServiceException wrongPassword() {
        return new ServiceException(
                ErrorCode.UNAUTHORIZED,
                "The enrollment password is wrong, used already or expired: ask the account's admin for one.");
    }

    private Outcome answer(ScepTransaction known) {
        return switch (known.status()) {
            case PENDING -> new Pending(RETRY_AFTER);
            case REJECTED ->
                throw new ServiceException(
                        ErrorCode.FORBIDDEN, known.reason().orElse("An admin rejected the request."));
            case ISSUED ->
                new Issued(CertificateCodec.decodeDer(database.read(h -> issued.der(
                                h,
                                known.issuerSha256().orElseThrow(),
                                known.serial().orElseThrow()))
                        .orElseThrow()));
        };
    }

    private void spend(org.jdbi.v3.core.Handle h, Authorized who) {
        if (who.password().isPresent()
                && who.password().get().kind() == PasswordKind.ONE_TIME
                && !store.usePassword(h, who.password().get().id(), clock.instant())) {
            throw wrongPassword();
        }
    }

    private void hold(Authorized who, String transaction, String csrSha, Pkcs10.Request request, Instant now) {
        try {
            database.inTransaction(h -> {
                int pending = store.countPending(h, who.account().id());
                if (pending >= ScepService.MAX_PENDING) {
                    throw new ServiceException(
                            ErrorCode.VALIDATION_FAILED,
                            "The account has " + pending + " requests waiting for an admin, the most it may hold.");
                }
                spend(h, who);
                store.insertRequest(
                        h,
                        new ScepTransaction(
                                UUID.randomUUID().toString(),
                                who.account().id(),
                                transaction,
                                who.kind(),
                                RequestStatus.PENDING,
                                request.commonName().orElse(""),
                                request.hostNames(),
                                request.der(),
                                csrSha,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                now,
                                Optional.empty(),
                                Optional.empty()),
                        request.der());
                audit.record(
                        h,
                        DEVICE,
                        who.account().id(),
                        AuditAction.SCEP_REQUEST_HELD,
                        "EST request for " + String.join(", ", request.hostNames())
                                + ", held for an admin: names outside the account's domains");
                return null;
            });
        } catch (RuntimeException e) {
            if (!Database.isUniqueViolation(e)) { // the same CSR, sent twice at once: held once
                throw e;
            }
        }
    }

    private X509Certificate issue(Authorized who, Pkcs10.Request request, List<String> names, ScepSettings settings) {
        List<X509Certificate> chain = platformCa.issueForKey(
                request.publicKey(), names, settings.profile(), Duration.ofDays(settings.validityDays()));
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        database.inTransaction(h -> {
            int inForce = issued.countInForce(h, who.account().id(), IssuedFor.EST, now);
            if (inForce >= DeviceSigningService.MAX_IN_FORCE) {
                throw new ServiceException(
                        ErrorCode.VALIDATION_FAILED,
                        "The account has " + inForce + " EST certificates in force, the most it may have.");
            }
            spend(h, who);
            issued.record(
                    h,
                    leaf,
                    chain.get(1),
                    IssuedFor.EST,
                    Optional.of(who.account().id()),
                    Optional.empty(),
                    names,
                    now,
                    true);
            audit.record(
                    h,
                    DEVICE,
                    who.account().id(),
                    AuditAction.EST_CERTIFICATE_ISSUED,
                    (who.kind() == RequestKind.RENEWAL ? "simplereenroll" : "simpleenroll") + ": serial "
                            + leaf.getSerialNumber().toString(16) + ", " + settings.profile() + ", "
                            + String.join(", ", names));
            return null;
        });
        return leaf;
    }
}
