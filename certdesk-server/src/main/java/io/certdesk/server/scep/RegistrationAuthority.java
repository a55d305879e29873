package io.certdesk.server.scep;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.scep.ScepRa;
import io.certdesk.server.ca.IssuedCertificateStore;
import io.certdesk.server.ca.IssuedFor;
import io.certdesk.server.ca.PlatformCaService;
import io.certdesk.server.keys.KeyVault;
import io.certdesk.server.store.Database;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's SCEP registration authority: an RSA-2048 key and a certificate from the RSA
 * issuing CA, made the first time a device asks, and a new one made {@link #RENEW_BEFORE} the
 * current one ends. Every RA still in force opens requests (a device may have fetched the older
 * one); the newest signs the answers. Each node reads the set again every {@link #REFRESH}, so
 * one another node made is taken up.
 */
public final class RegistrationAuthority {
    private static final Logger log = LoggerFactory.getLogger(RegistrationAuthority.class);
    public static final Duration VALIDITY = Duration.ofDays(365);
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);
    static final Duration REFRESH = Duration.ofMinutes(1);

    private final Database database;
    private final ScepStore store;
    private final KeyVault vault;
    private final PlatformCaService platformCa;
    private final IssuedCertificateStore issued;
    private final Clock clock;
    private final SecureRandom random;

    private record Loaded(List<ScepRa> ras, Instant at) {}

    private volatile Loaded loaded;

    public RegistrationAuthority(
            Database database,
            ScepStore store,
            KeyVault vault,
            PlatformCaService platformCa,
            IssuedCertificateStore issued,
            Clock clock,
            SecureRandom random) {
        this.database = database;
        this.store = store;
        this.vault = vault;
        this.platformCa = platformCa;
        this.issued = issued;
        this.clock = clock;
        this.random = random;
    }

    /** The RAs in force, newest first: never empty. */
    public List<ScepRa> inForce() {
        Loaded now = loaded;
        Instant at = clock.instant();
        if (now != null
                && at.isBefore(now.at().plus(REFRESH))
                && fresh(now.ras().get(0), at)) {
            return now.ras();
        }
        synchronized (this) {
            now = loaded;
            if (now != null
                    && at.isBefore(now.at().plus(REFRESH))
                    && fresh(now.ras().get(0), at)) {
                return now.ras();
            }
            List<ScepRa> ras = database.read(h -> open(h, at));
            if (ras.isEmpty() || !fresh(ras.get(0), at)) {
                ras = make(at);
            }
            loaded = new Loaded(ras, at);
            return ras;
        }
    }

    /** The one that signs answers and is handed out by GetCACert. */
    public ScepRa current() {
        return inForce().get(0);
    }

    private static boolean fresh(ScepRa ra, Instant now) {
        return ra.certificate().getNotAfter().toInstant().isAfter(now.plus(RENEW_BEFORE));
    }

    private List<ScepRa> open(Handle h, Instant now) {
        return store.ras(h, now).stream()
                .map(row -> new ScepRa(CertificateCodec.decodeDer(row.certificateDer()), vault.get(h, row.keyId())))
                .toList();
    }

    /** Makes a new RA, unless another node made one meanwhile (the CA's row is locked while it is decided). */
    private List<ScepRa> make(Instant now) {
        // the key is made with the JDK's provider: the envelopes are opened with it too
        KeyPair keys = KeyPairs.generate(KeyType.RSA_2048, random);
        X509Certificate certificate = platformCa.issueScepRa(keys.getPublic(), VALIDITY);
        return database.inTransaction(h -> {
            h.createQuery("SELECT id FROM platform_ca WHERE id = 'current' FOR UPDATE")
                    .mapTo(String.class)
                    .findOne();
            List<ScepRa> ras = open(h, now);
            if (!ras.isEmpty() && fresh(ras.get(0), now)) {
                return ras;
            }
            String keyId = vault.put(h, keys.getPrivate());
            store.insertRa(
                    h,
                    new ScepStore.RaRow(
                            UUID.randomUUID().toString(),
                            CertificateCodec.encodeDer(certificate),
                            keyId,
                            certificate.getNotAfter().toInstant(),
                            now));
            issued.record(
                    h,
                    certificate,
                    platformCa.rsaIssuing(),
                    IssuedFor.SCEP_RA,
                    Optional.empty(),
                    Optional.empty(),
                    List.of(),
                    now);
            log.info(
                    "SCEP registration authority made: serial {}, until {}",
                    certificate.getSerialNumber().toString(16),
                    certificate.getNotAfter().toInstant());
            return open(h, now);
        });
    }
}
