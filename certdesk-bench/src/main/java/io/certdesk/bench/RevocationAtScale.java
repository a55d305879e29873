package io.certdesk.bench;

import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.issue.PkiLocations;
import io.certdesk.server.app.CertdeskServer;
import io.certdesk.server.app.ServerConfig;
import io.certdesk.server.outbound.OutboundGuard;
import io.certdesk.server.store.Database;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A revocation costs the same with 100,000 certificates revoked as with ten: a node (in this
 * process, H2 or PostgreSQL) is given N revoked certificates of its issuing CA straight in its
 * database, its CRL rebuilt (time and size reported), then R chains generated and revoked over
 * the API one after another (latency p50/p99 of each revocation, and how long until the CRL
 * lists the last one). Run it for 10 and for 100,000, one after the other (one node a process:
 * a second node in the same JVM is slower, whatever it holds).
 *
 * <p>Usage: {@code RevocationAtScale [REVOKED] [REVOCATIONS] [h2|postgresql]}
 */
public final class RevocationAtScale {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final String PASSWORD = "revocation-at-scale";

    private RevocationAtScale() {}

    public static void main(String[] args) throws Exception {
        int revoked = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int revocations = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String database = args.length > 2 ? args[2] : "h2";
        // one node a process: a second node started in the same JVM answers slower, whatever it holds
        ScaleNode.on(database, "certdesk_scale", (label, url) -> run(label, url, revoked, revocations));
        System.exit(0);
    }

    private static void run(String label, Optional<String> dbUrl, int already, int revocations) throws Exception {
        SecureRandom random = new SecureRandom();
        ServerConfig config = ScaleNode.config("certdesk-revocation-scale", dbUrl, PASSWORD, OutboundGuard.defaults());
        try (CertdeskServer server = CertdeskServer.start(config)) {
            X509Certificate issuing = server.platformCa().caCertificates().get(0);
            String crlUrl = "http://127.0.0.1:" + server.httpPort().orElseThrow() + "/pki/crl/"
                    + PkiLocations.caId(issuing) + ".crl";
            long before = crl(crlUrl).number;
            long t0 = System.nanoTime();
            insertRevoked(server.database(), CertificateCodec.sha256Hex(issuing), already, random);
            long inserted = System.nanoTime();
            Crl built;
            while ((built = crl(crlUrl)).number == before
                    || built.crl.getRevokedCertificates() == null
                    || built.crl.getRevokedCertificates().size() < already) {
                Thread.sleep(100);
            }
            long rebuilt = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "%s, %,d revoked: inserted in %d ms; the CRL served with them %d ms later: %,d entries, %,d bytes%n",
                    label,
                    already,
                    (inserted - t0) / 1_000_000,
                    (rebuilt - inserted) / 1_000_000,
                    built.crl.getRevokedCertificates() == null
                            ? 0
                            : built.crl.getRevokedCertificates().size(),
                    built.der.length);

            HttpClient http = BenchHttp.trusting(server.platformCa().root());
            String base = "https://localhost:" + server.httpsPort() + "/api/v1";
            String token = BenchHttp.signIn(http, base, PASSWORD);
            String account = BenchHttp.match(
                    ID,
                    BenchHttp.send(
                            http, "POST", base + "/accounts", "{\"name\":\"Scale\",\"type\":\"VENDOR\"}", token));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < revocations; i++) {
                names.add("\"r" + i + ".revocation.scale\"");
            }
            BenchHttp.send(
                    http,
                    "PUT",
                    base + "/accounts/" + account + "/domains",
                    "{\"domains\":[" + String.join(",", names) + "]}",
                    token);
            List<String> chains = new ArrayList<>();
            for (int i = 0; i < revocations; i++) {
                chains.add(BenchHttp.match(
                        ID,
                        BenchHttp.send(
                                http,
                                "POST",
                                base + "/accounts/" + account + "/private-chains/generate",
                                "{\"purpose\":\"TLS_SERVER\",\"domain\":\"r" + i + ".revocation.scale\"}",
                                token)));
            }
            // the garbage of the CRLs parsed above (this client shares the node's JVM) is not the revocations' to pay
            System.gc();
            Thread.sleep(2_000);
            long[] nanos = new long[revocations];
            for (int i = 0; i < revocations; i++) {
                long s = System.nanoTime();
                BenchHttp.send(
                        http,
                        "POST",
                        base + "/accounts/" + account + "/private-chains/" + chains.get(i) + "/revoke",
                        "{\"reason\":\"keyCompromise\"}",
                        token);
                nanos[i] = System.nanoTime() - s;
            }
            long last = System.nanoTime();
            int expected = already + revocations;
            Crl listed;
            while ((listed = crl(crlUrl)).crl.getRevokedCertificates() == null
                    || listed.crl.getRevokedCertificates().size() < expected) {
                Thread.sleep(100);
            }
            long seen = System.nanoTime();
            Arrays.sort(nanos);
            System.out.printf(
                    Locale.ROOT,
                    "%s, %,d revoked: %d revocations over the API, p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                            + " the last one in the CRL %d ms after its answer (%,d entries, %,d bytes)%n",
                    label,
                    already,
                    revocations,
                    nanos[revocations / 2] / 1e6,
                    nanos[(int) Math.min(revocations - 1, Math.floor(revocations * 0.99))] / 1e6,
                    nanos[revocations - 1] / 1e6,
                    (seen - last) / 1_000_000,
                    listed.crl.getRevokedCertificates().size(),
                    listed.der.length);
        }
    }

    /** N revoked certificates of the issuer, as if issued and revoked over time, in one transaction; the CRL told. */
    private static void insertRevoked(Database database, String issuer, int count, SecureRandom random) {
        Instant now = Instant.now();
        HexFormat hex = HexFormat.of();
        database.inTransaction(h -> {
            var batch = h.prepareBatch(
                    "INSERT INTO issued_certificates (issuer_sha256, serial, subject, dns_names, not_before, not_after,"
                            + " issued_for, sha256, issued_at, revoked_at, revocation_reason) VALUES (:i, :s, 'CN=bulk', '',"
                            + " :nb, :na, 'TLS_SERVER', :sha, :at, :r, 'KEY_COMPROMISE')");
            byte[] sha = new byte[32];
            for (int i = 0; i < count; i++) {
                random.nextBytes(sha);
                batch.bind("i", issuer)
                        .bind("s", new BigInteger(159, random).setBit(158).toString(16))
                        .bind("nb", Database.utc(now.minus(Duration.ofDays(30))))
                        .bind("na", Database.utc(now.plus(Duration.ofDays(300))))
                        .bind("sha", hex.formatHex(sha))
                        .bind("at", Database.utc(now.minus(Duration.ofDays(30))))
                        .bind("r", Database.utc(now.minusSeconds(i)))
                        .add();
                if (i % 5_000 == 4_999) {
                    batch.execute();
                }
            }
            batch.execute();
            // counted as that many revocations would count themselves
            h.createUpdate("UPDATE crl_revisions SET revision = revision + :n WHERE issuer_sha256 = :i")
                    .bind("n", count)
                    .bind("i", issuer)
                    .execute();
            return null;
        });
    }

    private record Crl(long number, X509CRL crl, byte[] der) {}

    private static final HttpClient PLAIN = HttpClient.newHttpClient();

    private static Crl crl(String url) throws Exception {
        HttpResponse<byte[]> response =
                PLAIN.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        X509CRL crl = (X509CRL)
                CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(response.body()));
        long number = org.bouncycastle.asn1.ASN1Integer.getInstance(org.bouncycastle.asn1.DEROctetString.getInstance(
                                crl.getExtensionValue(org.bouncycastle.asn1.x509.Extension.cRLNumber.getId()))
                        .getOctets())
                .longValueExact();
        return new Crl(number, crl, response.body());
    }
}
