package io.certdesk.server.outbound;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.names.DomainNames;
import io.certdesk.pki.trust.ServerCertificateCheck;
import io.certdesk.server.ErrorCode;
import io.certdesk.server.ServiceException;
import io.certdesk.server.access.Principal;
import io.certdesk.server.account.Access;
import io.certdesk.server.account.Account;
import io.certdesk.server.audit.AuditAction;
import io.certdesk.server.audit.AuditLog;
import io.certdesk.server.store.Database;
import io.certdesk.server.trust.Revocation;
import io.certdesk.server.trust.TrustSettings;
import io.certdesk.server.trust.TrustSettingsStore;
import io.certdesk.server.trust.TrustedCaService;
import io.certdesk.server.trust.TrustedCaStore;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An account's outbound trust in use: connects to a server an admin names (only where the
 * operator's {@link OutboundGuard} allows), opens TLS the way the protocol does, judges the
 * presented chain with the account's trusted CA certificates (its vendor's shared ones, and the
 * JDK's public roots if it opted in), checks revocation as the account chose, and for LDAP binds
 * with the credentials given. Also imports a CA certificate a check saw, once the admin confirmed
 * its fingerprint. Passwords are used for the bind alone: never stored, logged or audited.
 */
public final class ConnectionCheckService {
    /**
     * The most a whole check takes: connecting, STARTTLS, the handshake, the bind and every
     * revocation fetch together (a peer that trickles its answers is cut off at it).
     */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Checks per account per minute. */
    public static final int RATE_PER_MINUTE = 20;

    private static final int MAX_HOST = 253;
    private static final int MAX_DN = 1024;
    private static final int MAX_PASSWORD = 1024;

    private final Database database;
    private final TrustedCaStore cas;
    private final TrustSettingsStore settingsStore;
    private final TrustedCaService trustedCas;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final OutboundGuard guard;
    private final RevocationChecker revocation;
    private final io.certdesk.server.access.AttemptWindow attempts;

    public ConnectionCheckService(
            Database database,
            TrustedCaStore cas,
            TrustSettingsStore settingsStore,
            TrustedCaService trustedCas,
            Access access,
            AuditLog audit,
            Clock clock,
            OutboundGuard guard) {
        this.database = database;
        this.attempts = new io.certdesk.server.access.AttemptWindow(
                database, io.certdesk.server.access.AttemptScope.CHECK, clock, Duration.ofMinutes(1));
        this.cas = cas;
        this.settingsStore = settingsStore;
        this.trustedCas = trustedCas;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.guard = guard;
        this.revocation = new RevocationChecker(new GuardedHttp(guard, TIMEOUT));
    }

    /** What to check; the password only for a bind. */
    public record Request(
            String host, int port, CheckProtocol protocol, Optional<String> bindDn, Optional<char[]> bindPassword) {}

    /** The verdict on the presented chain: {@code code} {@code ok} or a {@link CheckFailure}'s. */
    public record Validation(boolean ok, String code, String message) {}

    /** @param attempted false when the bind was not tried (the server is not trusted) */
    public record Bind(boolean ok, boolean attempted, String message) {}

    /**
     * @param suggestedCa for {@code unknown_issuer}: the topmost CA certificate the server presented, the one to import
     */
    public record Result(
            boolean ok,
            CheckProtocol protocol,
            Optional<String> tlsVersion,
            Optional<String> cipherSuite,
            List<X509Certificate> presentedChain,
            Validation validation,
            boolean hostnameMatches,
            Optional<Bind> ldapBind,
            Optional<X509Certificate> suggestedCa,
            Optional<String> revocation) {}

    /** Refuses (not found) an account the caller may not see. */
    public void requireVisible(Principal actor, String accountId) {
        access.visibleAccount(actor, accountId);
    }

    public Result check(Principal actor, String accountId, Request request) {
        Account account = access.visibleAccount(actor, accountId);
        String host = validHost(request.host());
        validate(request);
        InetAddress address = destination(host, request.port());
        throttle(account.id());
        Result result = run(account, host, address, request);
        audit.recordAlone(
                actor.username(),
                account.id(),
                AuditAction.CONNECTION_CHECKED,
                request.protocol() + " " + host + ":" + request.port() + " → "
                        + result.validation().code()
                        + result.ldapBind()
                                .map(b -> b.ok() ? ", bind ok" : ", bind refused")
                                .orElse(""));
        return result;
    }

    /**
     * Connects again and imports the CA certificate with fingerprint {@code sha256} among those
     * the server presents, through the same rules as an imported file.
     */
    public TrustedCaService.ImportOutcome trustPresented(
            Principal actor, String accountId, String host, int port, CheckProtocol protocol, String sha256) {
        Account account = access.visibleAccount(actor, accountId);
        String checkedHost = validHost(host);
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
            throw ServiceException.invalid(
                    "sha256", "sha256 must be the 64 hexadecimal digits of the certificate's SHA-256 fingerprint.");
        }
        validate(new Request(checkedHost, port, protocol, Optional.empty(), Optional.empty()));
        InetAddress address = destination(checkedHost, port);
        throttle(account.id());
        List<X509Certificate> presented;
        try (Deadline deadline = Deadline.in(TIMEOUT);
                TlsProbe.Session session = TlsProbe.open(address, checkedHost, port, protocol, deadline)) {
            presented = session.presented();
        } catch (TlsProbe.Failed e) {
            throw new ServiceException(
                    ErrorCode.NOT_PRESENTED,
                    "The server could not be reached to read its certificates again: " + e.getMessage(),
                    Map.of("reason", e.failure.code()));
        }
        for (X509Certificate certificate : presented) {
            if (CertificateCodec.sha256Hex(certificate).equalsIgnoreCase(sha256)) {
                return trustedCas.importFile(actor, account.id(), CertificateCodec.encodeDer(certificate));
            }
        }
        throw new ServiceException(
                ErrorCode.NOT_PRESENTED,
                checkedHost + ":" + port + " no longer presents a certificate with SHA-256 " + sha256
                        + "; run the check again.");
    }

    private Result run(Account account, String host, InetAddress address, Request request) {
        record Trust(List<X509Certificate> anchors, TrustSettings settings) {}
        try (Deadline deadline = Deadline.in(TIMEOUT);
                TlsProbe.Session session = TlsProbe.open(address, host, request.port(), request.protocol(), deadline)) {
            // the account's trust is read once there is a chain to judge
            Trust trust = database.read(h -> new Trust(
                    cas.trustedBy(h, account.id(), account.parentId()).stream()
                            .map(CertificateCodec::decodeDer)
                            .toList(),
                    settingsStore.get(h, account.id())));
            List<X509Certificate> anchors = new ArrayList<>(trust.anchors());
            if (trust.settings().includePublicRoots()) {
                anchors.addAll(PublicRoots.certificates());
            }
            Instant now = clock.instant();
            ServerCertificateCheck.Outcome outcome =
                    ServerCertificateCheck.check(session.presented(), anchors, host, now);
            Optional<X509Certificate> suggested = outcome.failure()
                    .filter(f -> f == ServerCertificateCheck.Failure.UNKNOWN_ISSUER)
                    .flatMap(f -> outcome.topmost());
            Validation validation = outcome.trusted()
                    ? new Validation(true, "ok", outcome.message())
                    : new Validation(false, outcome.failure().orElseThrow().code(), outcome.message());
            Optional<String> revocationNote = Optional.empty();
            if (outcome.trusted() && trust.settings().revocation() != Revocation.OFF) {
                RevocationChecker.Outcome revoked = revocation.check(outcome.path(), now, deadline);
                revocationNote = Optional.of(revoked.message());
                if (revoked.failure().filter(f -> f == CheckFailure.REVOKED).isPresent()
                        || revoked.failure().isPresent() && trust.settings().revocation() == Revocation.HARD_FAIL) {
                    validation = new Validation(false, revoked.failure().get().code(), revoked.message());
                }
            }
            Optional<Bind> bind = Optional.empty();
            if (request.protocol().ldap() && request.bindDn().isPresent()) {
                if (validation.ok()) {
                    LdapBind.Result bound = LdapBind.bind(
                            session,
                            host,
                            request.port(),
                            request.bindDn().get(),
                            request.bindPassword().orElse(new char[0]),
                            deadline);
                    bind = Optional.of(new Bind(bound.ok(), true, bound.message()));
                } else {
                    bind = Optional.of(new Bind(
                            false,
                            false,
                            "Not attempted: the password is not sent to a server whose certificate is not trusted."));
                }
            }
            boolean ok = validation.ok() && bind.map(Bind::ok).orElse(true);
            return new Result(
                    ok,
                    request.protocol(),
                    Optional.of(session.tlsVersion()),
                    Optional.of(session.cipherSuite()),
                    session.presented(),
                    validation,
                    outcome.hostnameMatches(),
                    bind,
                    suggested,
                    revocationNote);
        } catch (TlsProbe.Failed e) {
            return new Result(
                    false,
                    request.protocol(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    new Validation(false, e.failure.code(), e.getMessage()),
                    false,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
        }
    }

    private static String validHost(String host) {
        if (host == null || host.isBlank() || host.length() > MAX_HOST) {
            throw ServiceException.invalid(
                    "host", "host is required: a DNS name or an IP address (at most " + MAX_HOST + " characters).");
        }
        String trimmed = host.trim();
        if (Cidr.isAddressLiteral(trimmed)) {
            try {
                return InetAddress.getByName(trimmed).getHostAddress(); // a literal: no lookup
            } catch (UnknownHostException e) {
                throw ServiceException.invalid("host", "host " + trimmed + " is not a valid IP address.");
            }
        }
        try {
            return DomainNames.normalizeHost(trimmed);
        } catch (RuntimeException e) {
            throw ServiceException.invalid("host", "host " + trimmed + " is not a valid DNS name.");
        }
    }

    private void validate(Request request) {
        if (request.protocol() == null) {
            throw ServiceException.invalid(
                    "protocol", "protocol is required: LDAPS, LDAP_STARTTLS, HTTPS, SMTPS or SMTP_STARTTLS.");
        }
        if (request.port() < 1 || request.port() > 65_535) {
            throw ServiceException.invalid("port", "port must be between 1 and 65535.");
        }
        if (request.bindDn().isPresent()) {
            if (!request.protocol().ldap()) {
                throw ServiceException.invalid("bindDn", "bindDn is only for LDAPS and LDAP_STARTTLS checks.");
            }
            if (request.bindDn().get().isBlank() || request.bindDn().get().length() > MAX_DN) {
                throw ServiceException.invalid("bindDn", "bindDn must be a DN of at most " + MAX_DN + " characters.");
            }
            if (request.bindPassword().isEmpty() || request.bindPassword().get().length == 0) {
                throw ServiceException.invalid(
                        "bindPassword",
                        "bindPassword is required with bindDn (an empty password would be an anonymous bind).");
            }
            if (request.bindPassword().get().length > MAX_PASSWORD) {
                throw ServiceException.invalid(
                        "bindPassword", "bindPassword is longer than " + MAX_PASSWORD + " characters.");
            }
        } else if (request.bindPassword().isPresent()) {
            throw ServiceException.invalid("bindDn", "bindDn is required with bindPassword.");
        }
        if (!guard.allowsPort(request.port())) {
            throw new ServiceException(
                    ErrorCode.DESTINATION_NOT_ALLOWED,
                    "Port " + request.port() + " is not among the ports checks may connect to (" + guard.ports()
                            + "); the operator can add it with --outbound-ports.",
                    Map.of("field", "port"));
        }
    }

    /** The address to connect to: every address the name has must be allowed (no choosing the allowed one of a mixed answer). */
    private InetAddress destination(String host, int port) {
        OutboundGuard.Resolved resolved = guard.resolve(host);
        if (resolved.kind().isEmpty()) {
            return resolved.addresses().get(0);
        }
        throw switch (resolved.kind().get()) {
            case UNRESOLVED ->
                new ServiceException(
                        ErrorCode.VALIDATION_FAILED,
                        host + " does not resolve to an address.",
                        Map.of("field", "host"));
            case AMBIGUOUS ->
                new ServiceException(
                        ErrorCode.VALIDATION_FAILED, resolved.refusal().get() + ".", Map.of("field", "host"));
            case DENIED ->
                new ServiceException(
                        ErrorCode.DESTINATION_NOT_ALLOWED,
                        resolved.refusal().get()
                                + " for checks; the operator sets where checks may connect with --outbound-allow and"
                                + " --outbound-deny.",
                        Map.of("field", "host"));
        };
    }

    /** At most {@link #RATE_PER_MINUTE} checks a minute per account, counted in the database across the nodes. */
    private void throttle(String accountId) {
        attempts.retryAfter(accountId, RATE_PER_MINUTE).ifPresent(wait -> {
            long seconds = Math.max(1, wait.toSeconds());
            throw new ServiceException(
                    ErrorCode.TOO_MANY_ATTEMPTS,
                    "At most " + RATE_PER_MINUTE + " connection checks a minute per account; try again in " + seconds
                            + " seconds.",
                    Map.of("retryAfterSeconds", seconds));
        });
        attempts.record(List.of(accountId));
    }
}
