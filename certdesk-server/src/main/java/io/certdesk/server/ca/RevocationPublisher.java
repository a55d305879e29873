package io.certdesk.server.ca;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.CertificateIssuer;
import io.certdesk.pki.issue.IssuedChain;
import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.pki.issue.PlatformCa;
import io.certdesk.pki.revocation.CertStatus;
import io.certdesk.pki.revocation.CrlSigner;
import io.certdesk.pki.revocation.OcspIssuer;
import io.certdesk.pki.revocation.OcspQuery;
import io.certdesk.pki.revocation.OcspRefusal;
import io.certdesk.pki.revocation.OcspResponses;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the platform CA's revocations, the same from every node: a CRL per CA (root and
 * issuing CAs) and OCSP answers signed by each CA's delegated responder.
 *
 * <p>A revocation counts itself on its issuer's CRL row in its own transaction. Every node
 * looks at those rows each second (and at once after a revocation of its own): a CRL behind
 * its row, or past half its validity, is rebuilt by whichever node stores the next CRL number
 * first, and every node serves the stored one. OCSP answers without a nonce are signed once
 * and served from memory until they are due for renewal; an answer checked against the
 * database at an older revision of its CA is checked again before it is served, so a
 * revocation through any node is answered within about a second everywhere, while a request
 * costs no signature and no query as long as nothing was revoked.
 */
public final class RevocationPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RevocationPublisher.class);
    /** How long an OCSP answer is valid (its nextUpdate), and after how long a cached one is signed anew. */
    public static final Duration OCSP_VALIDITY = Duration.ofHours(12);

    static final Duration OCSP_REFRESH = Duration.ofHours(4);
    static final int MAX_CACHED = 250_000;
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final int RESPONDER_CHECK_TICKS = 60;

    /** A CRL as served: its DER and what caching headers are made of. */
    public record PublishedCrl(byte[] der, long number, Instant thisUpdate, Instant nextUpdate, String etag) {}

    /**
     * An OCSP response as served; {@code cached} when it is the pre-signed answer (no nonce), with
     * the times its caching headers are made of.
     */
    public record OcspAnswer(byte[] der, Optional<Cached> cached) {}

    public record Cached(Instant thisUpdate, Instant nextUpdate, String etag) {}

    private record CacheKey(int ca, ASN1ObjectIdentifier hash, BigInteger serial) {}

    private record Entry(OcspAnswer answer, CertStatus status, Instant refreshAt, long revision) {
        Entry at(long newRevision) {
            return new Entry(answer, status, refreshAt, newRevision);
        }

        Instant nextUpdate() {
            return answer.cached().orElseThrow().nextUpdate();
        }
    }

    /** One CA of the platform, with what is published for it. */
    private static final class Ca {
        final int index;
        final X509Certificate certificate;
        final PrivateKey key;
        final String sha256;
        final String id;
        final byte[] der;
        final OcspIssuer ocsp;
        volatile long revision = -1;
        volatile PublishedCrl crl;
        volatile Responder responder;
        volatile Instant lastBuilt = Instant.MIN;
        /** The entries of the last CRL this node built, encoded, by serial (only the tick thread touches them). */
        final Map<BigInteger, Held> held = new java.util.HashMap<>();
        /** When the entries were last read whole; empty before the first build here. */
        Optional<Instant> fullRead = Optional.empty();
        /** When the last read of the entries began. */
        Instant readFrom = Instant.EPOCH;
        /** The revision of the CA's revocations the held entries were read at. */
        long heldRevision = -1;

        Ca(int index, X509Certificate certificate, PrivateKey key) {
            this.index = index;
            this.certificate = certificate;
            this.key = key;
            this.der = CertificateCodec.encodeDer(certificate);
            this.sha256 = CertificateCodec.sha256Hex(der);
            this.id = PkiLocations.caId(certificate);
            this.ocsp = new OcspIssuer(certificate);
        }
    }

    private record Responder(OcspResponses signer, String keyId, Instant notAfter) {}

    /** A CRL entry, encoded, and when its certificate expires (then it leaves the CRL). */
    private record Held(byte[] der, Instant notAfter) {}

    /** How late a revocation may commit after its time and still be found by the reads since the last one. */
    private static final Duration READ_OVERLAP = Duration.ofMinutes(5);
    /** How often the entries are read whole anyway. */
    private static final Duration FULL_READ_EVERY = Duration.ofMinutes(10);

    private final Database database;
    private final PublicationStore store;
    private final IssuedCertificateStore issued;
    private final KeyVault vault;
    private final CertificateIssuer issuer;
    private final CrlSigner crlSigner;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration crlValidity;
    /** Who signs OCSP answers: a native provider where one loads (~20 µs a P-256 signature), else Bouncy Castle (~80 µs; the JDK 17's takes ~500). */
    private final Optional<java.security.Provider> signer;

    /** The platform's CAs, retired issuing CAs included; replaced whole when one is added. */
    private volatile List<Ca> cas;

    private final Map<CacheKey, Entry> cache = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticks;
    private int tickCount;

    RevocationPublisher(
            Database database,
            PlatformCa platformCa,
            KeyVault vault,
            CertificateIssuer issuer,
            Clock clock,
            SecureRandom random,
            Duration crlValidity,
            Optional<java.security.Provider> signer,
            List<Map.Entry<X509Certificate, PrivateKey>> retired) {
        this.database = database;
        this.store = new PublicationStore();
        this.issued = new IssuedCertificateStore();
        this.vault = vault;
        this.issuer = issuer;
        this.crlSigner = new CrlSigner(random);
        this.clock = clock;
        this.random = random;
        this.crlValidity = crlValidity;
        this.signer = signer;
        List<Ca> all = new ArrayList<>();
        all.add(new Ca(0, platformCa.root(), platformCa.rootKey()));
        all.add(new Ca(1, platformCa.issuing(), platformCa.issuingKey()));
        if (!platformCa.ecIssuing().equals(platformCa.issuing())) {
            all.add(new Ca(2, platformCa.ecIssuing(), platformCa.ecIssuingKey()));
        }
        for (Map.Entry<X509Certificate, PrivateKey> old : retired) {
            all.add(new Ca(all.size(), old.getKey(), old.getValue()));
        }
        this.cas = List.copyOf(all);
        this.ticks = io.certdesk.server.Background.thread("certdesk-revocation-publisher");
    }

    /** Makes what is missing (CRL rows, responders, first CRLs), then keeps it current each second. */
    RevocationPublisher start() {
        for (Ca ca : cas) {
            database.inTransaction(h -> store.ensureCrl(h, ca.sha256));
            ca.responder = loadOrCreateResponder(ca);
        }
        tick();
        ticks.scheduleWithFixedDelay(this::safeTick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Publishes for one more CA (a renewed issuing CA): its CRL and its responder from now on,
     * beside those of the CAs it joins (a replaced one keeps answering for what it issued).
     */
    synchronized void include(X509Certificate certificate, PrivateKey key) {
        if (cas.stream().anyMatch(ca -> ca.certificate.equals(certificate))) {
            return;
        }
        Ca ca = new Ca(cas.size(), certificate, key);
        database.inTransaction(h -> store.ensureCrl(h, ca.sha256));
        ca.responder = loadOrCreateResponder(ca);
        List<Ca> more = new ArrayList<>(cas);
        more.add(ca);
        cas = List.copyOf(more);
        ticks.execute(this::safeTick);
    }

    /**
     * Called after a revocation of this node's commits: OCSP answers are checked against it from
     * the next request on, and the CRL is rebuilt at once.
     */
    public void revocationCommitted() {
        observe(database.read(store::crlStates));
        ticks.execute(this::safeTick);
    }

    /** The DER of the CA certificate with that {@link PkiLocations#caId}. */
    public Optional<byte[]> caCertificate(String caId) {
        return find(caId).map(ca -> ca.der.clone());
    }

    /** The current CRL of the CA with that {@link PkiLocations#caId}. */
    public Optional<PublishedCrl> crl(String caId) {
        return find(caId).map(ca -> ca.crl);
    }

    /** The responder certificates, one per CA. */
    public List<X509Certificate> responderCertificates() {
        return cas.stream()
                .map(ca -> ca.responder.signer().responderCertificate())
                .toList();
    }

    /** Answers a DER OCSP request (RFC 6960): statuses signed by the CA's responder, or an unsigned refusal. */
    public OcspAnswer ocsp(byte[] request) {
        OcspQuery query;
        try {
            query = OcspQuery.parse(request);
        } catch (OcspRefusal e) {
            return refusal(e.status());
        }
        Ca ca = null;
        for (CertificateID id : query.certificates()) {
            Ca of = issuerOf(id);
            if (of == null || (ca != null && of != ca)) {
                // not ours, or about several CAs: one responder answers for one CA
                return refusal(OcspRefusal.Status.UNAUTHORIZED);
            }
            ca = of;
        }
        try {
            if (query.certificates().size() == 1 && query.nonce().isEmpty()) {
                return cached(ca, query.certificates().get(0));
            }
            // a nonce (or several certificates) needs a signature of its own; the statuses come from the answers
            // held, checked against the database only as for those
            Instant now = clock.instant();
            List<OcspResponses.Answer> answers = new ArrayList<>();
            for (CertificateID id : query.certificates()) {
                answers.add(new OcspResponses.Answer(id, entry(ca, id).status(), now, now.plus(OCSP_VALIDITY)));
            }
            return new OcspAnswer(ca.responder.signer().sign(answers, now, query.nonce()), Optional.empty());
        } catch (RuntimeException e) {
            log.warn("OCSP: cannot answer now ({})", e.toString());
            return refusal(OcspRefusal.Status.TRY_LATER);
        }
    }

    /** The CertID of a leaf {@code issuer} signed, when {@code issuer} is one of the platform's CAs (SHA-1, as clients ask). */
    public Optional<CertificateID> idOf(X509Certificate leaf, X509Certificate issuer) {
        for (Ca ca : cas) {
            if (ca.certificate.equals(issuer)) {
                return Optional.of(ca.ocsp.certificateId(leaf.getSerialNumber()));
            }
        }
        return Optional.empty();
    }

    /**
     * The pre-signed answer for {@code id} when it says "good" (what the TLS edge staples);
     * empty for a revoked or unknown certificate, or when none can be had now.
     */
    public Optional<byte[]> goodResponse(CertificateID id) {
        Ca ca = issuerOf(id);
        if (ca == null) {
            return Optional.empty();
        }
        try {
            Entry entry = entry(ca, id);
            return entry.status() instanceof CertStatus.Good
                    ? Optional.of(entry.answer().der())
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private OcspAnswer cached(Ca ca, CertificateID id) {
        return entry(ca, id).answer();
    }

    private Entry entry(Ca ca, CertificateID id) {
        CacheKey key = new CacheKey(ca.index, id.getHashAlgOID(), id.getSerialNumber());
        Instant now = clock.instant();
        long revision = ca.revision; // read before the database: a revocation after it changes it again
        Entry entry = cache.get(key);
        if (entry != null && entry.revision() == revision && now.isBefore(entry.refreshAt())) {
            return entry;
        }
        CertStatus status;
        try {
            status = database.read(h -> status(h, ca, id.getSerialNumber()));
        } catch (RuntimeException e) {
            if (entry != null && now.isBefore(entry.nextUpdate())) {
                return entry; // the database is away: what was signed is still valid
            }
            throw e;
        }
        if (entry != null && entry.status().equals(status) && now.isBefore(entry.refreshAt())) {
            Entry checked = entry.at(revision);
            cache.put(key, checked);
            return checked;
        }
        Instant next = now.plus(OCSP_VALIDITY);
        byte[] der = ca.responder
                .signer()
                .sign(List.of(new OcspResponses.Answer(id, status, now, next)), now, Optional.empty());
        OcspAnswer answer = new OcspAnswer(der, Optional.of(new Cached(now, next, etag(der))));
        Entry fresh = new Entry(answer, status, now.plus(OCSP_REFRESH), revision);
        if (entry != null || cache.size() < MAX_CACHED) {
            cache.put(key, fresh);
        }
        return fresh;
    }

    private CertStatus status(Handle h, Ca ca, BigInteger serial) {
        if (serial.signum() <= 0) {
            return CertStatus.UNKNOWN;
        }
        return issued.find(h, ca.sha256, serial.toString(16))
                .<CertStatus>map(c -> c.revocation()
                        .<CertStatus>map(r -> new CertStatus.Revoked(r.at(), r.reason()))
                        .orElse(CertStatus.GOOD))
                .orElse(CertStatus.UNKNOWN);
    }

    private static OcspAnswer refusal(OcspRefusal.Status status) {
        return new OcspAnswer(OcspResponses.refusal(status), Optional.empty());
    }

    private Ca issuerOf(CertificateID id) {
        for (Ca ca : cas) {
            if (ca.ocsp.issuerOf(id)) {
                return ca;
            }
        }
        return null;
    }

    private Optional<Ca> find(String caId) {
        return cas.stream().filter(ca -> ca.id.equals(caId)).findFirst();
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("Revocation publishing: {} (retrying in a second)", e.toString());
        }
    }

    private synchronized void tick() {
        List<PublicationStore.CrlRow> rows = database.read(store::crlStates);
        observe(rows);
        Instant now = clock.instant();
        for (PublicationStore.CrlRow row : rows) {
            Ca ca = cas.stream()
                    .filter(c -> c.sha256.equals(row.issuerSha256()))
                    .findFirst()
                    .orElse(null);
            if (ca == null) {
                continue;
            }
            PublishedCrl served = ca.crl;
            if (row.crlNumber() > 0 && (served == null || served.number() != row.crlNumber())) {
                database.read(h -> store.crlDer(h, ca.sha256, row.crlNumber()))
                        .ifPresent(der -> ca.crl = published(der, row.crlNumber(), row));
            }
            boolean behind = row.builtRevision() < row.revision();
            boolean aging = row.nextUpdate().isEmpty()
                    || now.isAfter(row.nextUpdate().get().minus(crlValidity.dividedBy(2)));
            // under a stream of revocations, CRLs follow at most every second, and a large one at most every
            // second per MB (up to 8 s: each is stored whole), so the revocations themselves are not slowed
            boolean rested = !now.isBefore(ca.lastBuilt.plus(restBetweenBuilds(served)));
            if (aging || (behind && rested)) {
                build(ca, row, now, aging);
            }
        }
        boolean everyMinute = ++tickCount % RESPONDER_CHECK_TICKS == 0;
        for (Ca ca : cas) {
            // once a minute, for a renewal by another node; at once when this node finds its responder due
            if (everyMinute || due(ca, ca.responder.notAfter(), now)) {
                ca.responder = loadOrCreateResponder(ca);
            }
        }
        if (everyMinute) {
            cache.values().removeIf(e -> !now.isBefore(e.refreshAt()));
        }
    }

    /** How long after the last CRL the next one may follow a revocation: 1 s, and 1 s per MB of CRL, up to 8 s. */
    static Duration restBetweenBuilds(PublishedCrl last) {
        long megabytes = last == null ? 0 : last.der().length / (1024 * 1024);
        return Duration.ofSeconds(Math.max(1, Math.min(8, megabytes)));
    }

    private void observe(List<PublicationStore.CrlRow> rows) {
        for (PublicationStore.CrlRow row : rows) {
            for (Ca ca : cas) {
                if (ca.sha256.equals(row.issuerSha256())) {
                    ca.revision = row.revision();
                }
            }
        }
    }

    /**
     * Builds and stores the next CRL of {@code ca}. The entries of the last one built here are
     * kept encoded, so only what was revoked since is read and encoded (they are read whole every
     * ten minutes, and when the CRL is renewed for its age).
     */
    private void build(Ca ca, PublicationStore.CrlRow row, Instant now, boolean whole) {
        long started = System.nanoTime();
        boolean wholeRead =
                whole || ca.fullRead.isEmpty() || now.isAfter(ca.fullRead.get().plus(FULL_READ_EVERY));
        Instant from = ca.readFrom.minus(READ_OVERLAP);
        List<PublicationStore.Listed> read = database.read(
                h -> wholeRead ? store.revokedUnexpired(h, ca.sha256, now) : store.revokedSince(h, ca.sha256, from));
        boolean full = wholeRead;
        int added = hold(ca, read, full);
        if (!full && added < row.revision() - ca.heldRevision) {
            // fewer new entries than revocations counted (one dated long before it was recorded): read them whole
            read = database.read(h -> store.revokedUnexpired(h, ca.sha256, now));
            hold(ca, read, true);
            full = true;
        }
        long readDone = System.nanoTime();
        ca.readFrom = now;
        ca.heldRevision = row.revision();
        ca.held.values().removeIf(held -> !held.notAfter().isAfter(now)); // expired: off the CRL
        long number = row.crlNumber() + 1;
        Instant next = now.plus(crlValidity);
        List<byte[]> entries = ca.held.values().stream().map(Held::der).toList();
        byte[] der = crlSigner.signEncoded(ca.certificate, ca.key, BigInteger.valueOf(number), now, next, entries);
        long signed = System.nanoTime();
        boolean stored = database.inTransaction(
                h -> store.storeCrl(h, ca.sha256, number, row.revision(), now, next, entries.size(), der));
        long done = System.nanoTime();
        ca.lastBuilt = now;
        if (stored) {
            ca.crl = new PublishedCrl(der, number, now, next, etag(der));
            log.info(
                    "CRL {} of {}: {} entries, {} bytes, in {} ms ({} {} read in {}, built and signed in {}, stored in {})",
                    number,
                    ca.certificate.getSubjectX500Principal().getName(),
                    entries.size(),
                    der.length,
                    (done - started) / 1_000_000,
                    read.size(),
                    full ? "entries" : "new entries",
                    (readDone - started) / 1_000_000,
                    (signed - readDone) / 1_000_000,
                    (done - signed) / 1_000_000);
        } else {
            ca.fullRead = Optional.empty(); // another node stored this number: start from the database next time
        }
    }

    /** Adds what was read to the held entries (replacing them when read whole); returns how many were new. */
    private int hold(Ca ca, List<PublicationStore.Listed> read, boolean whole) {
        if (whole) {
            ca.held.clear();
            ca.fullRead = Optional.of(clock.instant());
        }
        int added = 0;
        for (PublicationStore.Listed listed : read) {
            if (!ca.held.containsKey(listed.entry().serial())) {
                ca.held.put(listed.entry().serial(), new Held(CrlSigner.encode(listed.entry()), listed.notAfter()));
                added++;
            }
        }
        return added;
    }

    private static PublishedCrl published(byte[] der, long number, PublicationStore.CrlRow row) {
        return new PublishedCrl(
                der, number, row.thisUpdate().orElseThrow(), row.nextUpdate().orElseThrow(), etag(der));
    }

    private static String etag(byte[] der) {
        return "\"" + CertificateCodec.sha256Hex(der).substring(0, 32) + "\"";
    }

    /**
     * Whether a responder valid until {@code notAfter} is to be renewed: past half its life,
     * unless it ends with its CA (a renewal could not last longer).
     */
    private static boolean due(Ca ca, Instant notAfter, Instant now) {
        return !now.isBefore(notAfter.minus(CertificateIssuer.RESPONDER_VALIDITY.dividedBy(2)))
                && notAfter.isBefore(ca.certificate.getNotAfter().toInstant());
    }

    /** The CA's responder: the stored one, renewed once past half its life, created when there is none. */
    private Responder loadOrCreateResponder(Ca ca) {
        Instant now = clock.instant();
        Optional<PublicationStore.ResponderRow> row = database.read(h -> store.responder(h, ca.sha256));
        Responder current = ca.responder;
        if (row.isPresent()) {
            PublicationStore.ResponderRow r = row.get();
            if (!due(ca, r.notAfter(), now)) {
                return current != null && current.keyId().equals(r.keyId()) ? current : open(r);
            }
        }
        IssuedChain made = issuer.issueOcspResponder(ca.certificate, ca.key);
        boolean stored = database.inTransaction(h -> {
            String keyId = vault.put(h, made.privateKey());
            var fresh = new PublicationStore.ResponderRow(
                    ca.sha256,
                    CertificateCodec.encodeDer(made.leaf()),
                    keyId,
                    made.leaf().getNotAfter().toInstant());
            boolean won = row.isPresent()
                    ? store.replaceResponder(h, fresh, row.get().keyId(), now)
                    : store.insertResponder(h, fresh, now);
            if (!won) {
                h.rollback(); // another node made it first: nothing of ours stays
                return false;
            }
            issued.record(
                    h,
                    made.leaf(),
                    ca.certificate,
                    IssuedFor.OCSP_RESPONDER,
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    now);
            return true;
        });
        if (stored) {
            log.info(
                    "OCSP responder for {} issued, valid until {}",
                    ca.certificate.getSubjectX500Principal().getName(),
                    made.leaf().getNotAfter().toInstant());
        }
        return open(database.read(h -> store.responder(h, ca.sha256)).orElseThrow());
    }

    private Responder open(PublicationStore.ResponderRow row) {
        PrivateKey key = database.read(h -> vault.get(h, row.keyId()));
        X509Certificate certificate = CertificateCodec.decodeDer(row.certificateDer());
        if (signer.isPresent()) {
            try {
                PrivateKey prepared =
                        (PrivateKey) java.security.KeyFactory.getInstance(key.getAlgorithm(), signer.get())
                                .translateKey(key);
                return new Responder(
                        new OcspResponses(certificate, prepared, random, signer), row.keyId(), row.notAfter());
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                log.warn(
                        "OCSP: the native signer does not take the responder key ({}); Bouncy Castle signs",
                        e.toString());
            }
        }
        return new Responder(
                new OcspResponses(certificate, key, random, Optional.of(io.certdesk.pki.Providers.BC)),
                row.keyId(),
                row.notAfter());
    }

    @Override
    public void close() {
        io.certdesk.server.Background.stop(ticks, java.time.Duration.ofSeconds(10));
    }
}
