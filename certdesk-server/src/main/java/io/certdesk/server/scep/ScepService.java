package io.certdesk.server.scep;

import io.certdesk.pki.PkiError;
import io.certdesk.pki.PkiException;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.request.Pkcs10;
import io.certdesk.pki.request.RequestedNames;
import io.certdesk.pki.scep.ScepFailure;
import io.certdesk.pki.scep.ScepMessageType;
import io.certdesk.pki.scep.ScepMessages;
import io.certdesk.pki.scep.ScepPeer;
import io.certdesk.pki.scep.ScepRa;
import io.certdesk.pki.scep.ScepRefusal;
import io.certdesk.pki.scep.ScepReplies;
import io.certdesk.pki.scep.ScepRequest;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCEP (RFC 8894) for the devices of every account: GetCACaps, GetCACert and PKIOperation.
 * A first request is authorized by a challenge password the account's admins made (the account
 * found from it where the URL does not name one, as on NDES's path); a renewal by the certificate
 * being renewed, which signs it. The names must all be the account's domains, or, by the
 * account's choice, the request is held for an admin. Certificates come from the platform CA's
 * RSA issuing CA and are recorded like every certificate it signs (revocable, in the expiry view).
 * A transaction sent again is answered as it was the first time: nothing is issued twice.
 */
public final class ScepService {
    private static final Logger log = LoggerFactory.getLogger(ScepService.class);
    /** Who the audit log names for what a device did by itself. */
    static final String DEVICE = "device (SCEP)";
    /** Requests an account may have held for its admins at once. */
    public static final int MAX_PENDING = 1000;

    private final Database database;
    private final ScepStore store;
    private final RegistrationAuthority ra;
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;
    private final AccountStore accounts;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Optional<Provider> signatures;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final DeviceCertificates devices;

    public ScepService(
            Database database,
            ScepStore store,
            RegistrationAuthority ra,
            PlatformCaService platformCa,
            IssuedCertificateStore issued,
            AccountStore accounts,
            AuditLog audit,
            Clock clock,
            SecureRandom random,
            Optional<Provider> signatures,
            MeterRegistry registry) {
        this.database = database;
        this.store = store;
        this.ra = ra;
        this.platformCa = platformCa;
        this.issued = issued;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.signatures = signatures;
        this.registry = registry;
        this.devices = new DeviceCertificates(platformCa, issued);
    }

    /** The GetCACaps answer. */
    public String capabilities() {
        return ScepReplies.capabilities();
    }

    /** The GetCACert answer: the RA certificate, the RSA issuing CA and the root, as a certs-only PKCS#7. */
    public byte[] caCertificates() {
        return ScepReplies.caCertificates(
                ra.current().certificate(), List.of(platformCa.rsaIssuing(), platformCa.root()));
    }

    /**
     * A PKIOperation: the CertRep to answer with. {@code accountId} is the account the URL names,
     * empty on the paths that name none. Throws {@link PkiException} for bytes that are not a SCEP
     * message at all (answered with a plain HTTP 400: there is nobody to sign an answer to).
     */
    public byte[] operate(Optional<String> accountId, byte[] message) {
        List<ScepRa> ras = ra.inForce();
        ScepReplies replies = new ScepReplies(ras.get(0), random, clock);
        ScepRequest request;
        try {
            request = ScepMessages.read(message, ras, clock);
        } catch (ScepRefusal refused) {
            count("unreadable", refused.failure().name());
            log.info(
                    "SCEP request {} refused ({}): {}",
                    refused.peer().transactionId(),
                    refused.failure(),
                    refused.getMessage());
            return replies.failure(refused.peer(), refused.failure(), refused.getMessage());
        }
        try {
            byte[] answer = switch (request.type()) {
                case PKCS_REQ, RENEWAL_REQ -> enroll(accountId, request, replies);
                case CERT_POLL -> poll(accountId, request, replies);
                case GET_CERT -> getCert(accountId, request, replies);
                case GET_CRL ->
                    throw new ScepRefusal(
                            request.peer(),
                            ScepFailure.BAD_REQUEST,
                            "GetCRL is not served here: fetch the CRL from the certificate's CRL distribution point.");
                case CERT_REP -> throw new IllegalStateException("not a request");
            };
            return answer;
        } catch (ScepRefusal refused) {
            count(request.type().name(), refused.failure().name());
            log.info(
                    "SCEP {} {} refused ({}): {}",
                    request.type(),
                    request.peer().transactionId(),
                    refused.failure(),
                    refused.getMessage());
            return replies.failure(request.peer(), refused.failure(), refused.getMessage());
        }
    }

    private void count(String type, String outcome) {
        counters.computeIfAbsent(
                        type + "/" + outcome,
                        k -> Counter.builder("certdesk_scep_requests_total")
                                .description("SCEP PKIOperations by message type and outcome")
                                .tag("type", type)
                                .tag("outcome", outcome)
                                .register(registry))
                .increment();
    }

    /** Who may enroll, found before anything is issued. */
    private record Authorized(
            Account account, ScepMessageType type, RequestKind kind, Optional<ScepPassword> password) {}

    private byte[] enroll(Optional<String> urlAccount, ScepRequest request, ScepReplies replies) throws ScepRefusal {
        ScepPeer peer = request.peer();
        ScepRequest.Enrollment body = (ScepRequest.Enrollment) request.body();
        Instant now = clock.instant();
        Optional<IssuedCertificate> renewing = database.read(h -> devices.issuedDevice(h, peer.signer()));
        log.debug(
                "SCEP {} {} signed by {} (serial {})",
                request.type(),
                peer.transactionId(),
                peer.signer().getSubjectX500Principal(),
                peer.signer().getSerialNumber().toString(16));
        Authorized who;
        try {
            who = database.read(h -> {
                try {
                    return authorize(h, urlAccount, request, body, renewing, now);
                } catch (ScepRefusal refused) {
                    throw new Refused(refused);
                }
            });
        } catch (Refused r) {
            throw r.refusal;
        }
        ScepSettings settings =
                database.read(h -> store.settings(h, who.account().id()));
        if (!settings.enabled()) {
            throw new ScepRefusal(
                    peer, ScepFailure.BAD_REQUEST, "SCEP enrollment is off for this account: an admin turns it on.");
        }
        String signerSha = CertificateCodec.sha256Hex(peer.signer());
        Optional<ScepTransaction> known =
                database.read(h -> store.request(h, who.account().id(), peer.transactionId(), signerSha));
        if (known.isPresent()) {
            return answer(known.get(), signerSha, peer, replies);
        }
        if (who.password().isPresent()
                && !DeviceCertificates.usable(who.password().get(), now)) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_REQUEST,
                    "The challenge password is wrong, used already or expired: ask the account's admin for one.");
        }
        Pkcs10.Request csr;
        try {
            csr = Pkcs10.readPkcs10(body.csr(), signatures);
        } catch (PkiException e) {
            throw new ScepRefusal(
                    peer,
                    e.error() == PkiError.CSR_SIGNATURE_INVALID
                            ? ScepFailure.BAD_MESSAGE_CHECK
                            : ScepFailure.BAD_REQUEST,
                    e.getMessage());
        }
        if (who.kind() == RequestKind.ENROLLMENT
                && !Arrays.equals(
                        csr.publicKey().getEncoded(),
                        peer.signer().getPublicKey().getEncoded())) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_MESSAGE_CHECK,
                    "A PKCSReq is signed with the key it asks a certificate for (RFC 8894 §2.3); this one is not.");
        }
        try {
            RequestedNames.requireIssuableKey(csr.publicKey());
        } catch (PkiException e) {
            throw new ScepRefusal(peer, ScepFailure.BAD_ALG, e.getMessage());
        }
        List<String> names;
        try {
            names = RequestedNames.require(
                    csr.hostNames(), csr.ipAddresses(), Set.copyOf(who.account().domains()));
        } catch (PkiException e) {
            if (e.error() == PkiError.DOMAIN_NOT_ALLOWED && settings.foreignNames() == ForeignNames.HOLD) {
                return hold(who, peer, csr, signerSha, replies, now);
            }
            throw new ScepRefusal(peer, ScepFailure.BAD_REQUEST, e.getMessage());
        }
        return issue(who, peer, csr, names, settings, signerSha, replies, Optional.empty());
    }

    /** The account and the right to enroll: a challenge password, or the certificate being renewed. */
    private Authorized authorize(
            Handle h,
            Optional<String> urlAccount,
            ScepRequest request,
            ScepRequest.Enrollment body,
            Optional<IssuedCertificate> renewing,
            Instant now)
            throws ScepRefusal {
        ScepPeer peer = request.peer();
        if (renewing.isPresent()) {
            IssuedCertificate old = renewing.get();
            if (old.revoked()) {
                throw new ScepRefusal(
                        peer, ScepFailure.BAD_REQUEST, "The certificate this request is signed with is revoked.");
            }
            if (!old.notAfter().isAfter(now)) {
                throw new ScepRefusal(
                        peer,
                        ScepFailure.BAD_REQUEST,
                        "The certificate this renewal is signed with ended at " + old.notAfter()
                                + ": enroll again with a challenge password.");
            }
            Account account = old.accountId()
                    .flatMap(id -> accounts.find(h, id))
                    .orElseThrow(() -> new ScepRefusal(
                            peer,
                            ScepFailure.BAD_REQUEST,
                            "The certificate this request is signed with is of no account."));
            if (urlAccount.isPresent() && !urlAccount.get().equals(account.id())) {
                throw new ScepRefusal(
                        peer,
                        ScepFailure.BAD_REQUEST,
                        "The certificate this request is signed with is of another account.");
            }
            return new Authorized(account, request.type(), RequestKind.RENEWAL, Optional.empty());
        }
        if (request.type() == ScepMessageType.RENEWAL_REQ) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_REQUEST,
                    "A RenewalReq is signed by the certificate being renewed, one this platform issued for a device.");
        }
        String wrong = "The challenge password is wrong, used already or expired: ask the account's admin for one.";
        String given = body.challengePassword()
                .orElseThrow(() -> new ScepRefusal(
                        peer,
                        ScepFailure.BAD_REQUEST,
                        "The request has no challenge password: ask the account's admin for one."));
        // spent or expired, it still names the account: a transaction it authorized is answered again
        ScepPassword password = store.passwordBySecret(h, ScepAdminService.hash(given))
                .filter(p -> urlAccount.isEmpty() || urlAccount.get().equals(p.accountId()))
                .orElseThrow(() -> new ScepRefusal(peer, ScepFailure.BAD_REQUEST, wrong));
        Account account = accounts.find(h, password.accountId())
                .orElseThrow(() -> new ScepRefusal(peer, ScepFailure.BAD_REQUEST, wrong));
        return new Authorized(account, request.type(), RequestKind.ENROLLMENT, Optional.of(password));
    }

    private byte[] hold(
            Authorized who, ScepPeer peer, Pkcs10.Request csr, String signerSha, ScepReplies replies, Instant now)
            throws ScepRefusal {
        ScepTransaction held = new ScepTransaction(
                UUID.randomUUID().toString(),
                who.account().id(),
                peer.transactionId(),
                who.kind(),
                RequestStatus.PENDING,
                csr.commonName().orElse(""),
                csr.hostNames(),
                csr.der(),
                signerSha,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                now,
                Optional.empty(),
                Optional.empty());
        try {
            database.inTransaction(h -> {
                int pending = store.countPending(h, who.account().id());
                if (pending >= MAX_PENDING) {
                    throw new Refused(new ScepRefusal(
                            peer,
                            ScepFailure.BAD_REQUEST,
                            "The account has " + pending + " requests waiting for an admin, the most it may hold."));
                }
                spendPassword(h, who, peer);
                store.insertRequest(h, held, CertificateCodec.encodeDer(peer.signer()));
                audit.record(
                        h,
                        DEVICE,
                        who.account().id(),
                        AuditAction.SCEP_REQUEST_HELD,
                        "transaction " + peer.transactionId() + " for " + String.join(", ", csr.hostNames())
                                + ", held for an admin: names outside the account's domains");
                return null;
            });
        } catch (Refused r) {
            throw r.refusal;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) { // the same transaction, sent twice at once
                return answer(existing(who, peer), signerSha, peer, replies);
            }
            throw e;
        }
        count(who.type().name(), "PENDING");
        return replies.pending(peer);
    }

    /** A refusal decided inside a transaction, thrown out of it (rolling it back). */
    private static final class Refused extends RuntimeException {
        final ScepRefusal refusal;

        Refused(ScepRefusal refusal) {
            super(refusal.getMessage(), null, false, false);
            this.refusal = refusal;
        }
    }

    private void spendPassword(Handle h, Authorized who, ScepPeer peer) {
        if (who.password().isPresent()
                && who.password().get().kind() == PasswordKind.ONE_TIME
                && !store.usePassword(h, who.password().get().id(), clock.instant())) {
            throw new Refused(new ScepRefusal(
                    peer, ScepFailure.BAD_REQUEST, "The challenge password is wrong, used already or expired."));
        }
    }

    private ScepTransaction existing(Authorized who, ScepPeer peer) {
        String signerSha = CertificateCodec.sha256Hex(peer.signer());
        return database.read(h -> store.request(h, who.account().id(), peer.transactionId(), signerSha))
                .orElseThrow();
    }

    /**
     * Issues for {@code names} and records the certificate and the transaction in one
     * transaction; {@code approvedBy} is the admin who approved a held request.
     */
    private byte[] issue(
            Authorized who,
            ScepPeer peer,
            Pkcs10.Request csr,
            List<String> names,
            ScepSettings settings,
            String signerSha,
            ScepReplies replies,
            Optional<String> approvedBy)
            throws ScepRefusal {
        List<X509Certificate> chain = platformCa.issueForKey(
                csr.publicKey(), names, settings.profile(), Duration.ofDays(settings.validityDays()));
        X509Certificate leaf = chain.get(0);
        Instant now = clock.instant();
        try {
            database.inTransaction(h -> {
                int inForce = issued.countInForce(h, who.account().id(), IssuedFor.SCEP, now);
                if (inForce >= DeviceSigningService.MAX_IN_FORCE) {
                    throw new Refused(new ScepRefusal(
                            peer,
                            ScepFailure.BAD_REQUEST,
                            "The account has " + inForce + " SCEP certificates in force, the most it may have."));
                }
                spendPassword(h, who, peer);
                issued.record(
                        h,
                        leaf,
                        chain.get(1),
                        IssuedFor.SCEP,
                        Optional.of(who.account().id()),
                        Optional.empty(),
                        names,
                        now,
                        true);
                store.insertRequest(
                        h,
                        new ScepTransaction(
                                UUID.randomUUID().toString(),
                                who.account().id(),
                                peer.transactionId(),
                                who.kind(),
                                RequestStatus.ISSUED,
                                csr.commonName().orElse(""),
                                names,
                                csr.der(),
                                signerSha,
                                Optional.of(CertificateCodec.sha256Hex(chain.get(1))),
                                Optional.of(leaf.getSerialNumber().toString(16)),
                                Optional.empty(),
                                now,
                                Optional.of(now),
                                approvedBy),
                        CertificateCodec.encodeDer(peer.signer()));
                audit.record(
                        h,
                        DEVICE,
                        who.account().id(),
                        AuditAction.SCEP_CERTIFICATE_ISSUED,
                        (who.kind() == RequestKind.RENEWAL ? "renewal" : "enrollment") + " " + peer.transactionId()
                                + ": serial " + leaf.getSerialNumber().toString(16) + ", " + settings.profile() + ", "
                                + String.join(", ", names));
                return null;
            });
        } catch (Refused r) {
            throw r.refusal;
        } catch (RuntimeException e) {
            if (Database.isUniqueViolation(e)) { // the same transaction, sent twice at once: the first one's answer
                return answer(existing(who, peer), signerSha, peer, replies);
            }
            throw e;
        }
        count(who.type().name(), "SUCCESS");
        log.info(
                "SCEP {} ({}) {} for account {}: issued serial {} for {}",
                who.kind(),
                who.type(),
                peer.transactionId(),
                who.account().id(),
                leaf.getSerialNumber().toString(16),
                names);
        return replies.success(peer, List.of(leaf, chain.get(1)));
    }

    /** The answer to a transaction already known, to the certificate that sent it. */
    private byte[] answer(ScepTransaction known, String signerSha, ScepPeer peer, ScepReplies replies)
            throws ScepRefusal {
        if (!known.signerSha256().equals(signerSha)) {
            throw new ScepRefusal(
                    peer, ScepFailure.BAD_REQUEST, "Transaction " + known.transactionId() + " is another device's.");
        }
        return switch (known.status()) {
            case PENDING -> replies.pending(peer);
            case REJECTED ->
                throw new ScepRefusal(
                        peer, ScepFailure.BAD_REQUEST, known.reason().orElse("An admin rejected the request."));
            case ISSUED -> {
                byte[] der = database.read(h -> issued.der(
                                h,
                                known.issuerSha256().orElseThrow(),
                                known.serial().orElseThrow()))
                        .orElseThrow();
                List<X509Certificate> above = database.read(
                        h -> platformCa.chainAbove(h, known.issuerSha256().get()));
                yield replies.success(peer, List.of(CertificateCodec.decodeDer(der), above.get(0)));
            }
        };
    }

    private byte[] poll(Optional<String> urlAccount, ScepRequest request, ScepReplies replies) throws ScepRefusal {
        ScepPeer peer = request.peer();
        String signerSha = CertificateCodec.sha256Hex(peer.signer());
        List<ScepTransaction> found = database.read(h -> store.polled(h, peer.transactionId(), signerSha)).stream()
                .filter(t -> urlAccount.isEmpty() || urlAccount.get().equals(t.accountId()))
                .toList();
        if (found.isEmpty()) {
            throw new ScepRefusal(
                    peer,
                    ScepFailure.BAD_CERT_ID,
                    "No request with transaction " + peer.transactionId() + " is known.");
        }
        count(request.type().name(), found.get(0).status().name());
        return answer(found.get(0), signerSha, peer, replies);
    }

    private byte[] getCert(Optional<String> urlAccount, ScepRequest request, ScepReplies replies) throws ScepRefusal {
        ScepRequest.CertificateQuery query = (ScepRequest.CertificateQuery) request.body();
        String serial = query.serial().toString(16);
        Optional<byte[]> der = database.read(h -> issued.bySerial(h, serial).stream()
                .filter(c -> IssuedFor.HELD_ELSEWHERE.contains(c.issuedFor()))
                .filter(c -> urlAccount.isEmpty() || c.accountId().equals(urlAccount))
                .findFirst()
                .flatMap(c -> issued.der(h, c.issuerSha256(), c.serial())));
        X509Certificate certificate = der.map(CertificateCodec::decodeDer)
                .filter(c -> c.getIssuerX500Principal().equals(query.issuer()))
                .orElseThrow(() -> new ScepRefusal(
                        request.peer(), ScepFailure.BAD_CERT_ID, "No device certificate with serial " + serial + "."));
        count(request.type().name(), "SUCCESS");
        return replies.success(request.peer(), List.of(certificate));
    }
}
