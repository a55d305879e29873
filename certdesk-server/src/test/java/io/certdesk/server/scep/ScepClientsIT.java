package io.certdesk.server.scep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.codec.CertificateFiles;
import io.certdesk.server.testing.Certmonger;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.Eventually;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Debian's certmonger enrolling by SCEP the way a printer's admin sets a device up: the account's
 * SCEP URL (or NDES's path) and a challenge password from the account's admin.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class ScepClientsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Parameter
    TestDatabase database;

    static TestServer server;
    Certmonger certmonger;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.start(database);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
        server = null;
    }

    @BeforeEach
    void startCertmonger() {
        DebianTools.require("openssl");
        certmonger = Certmonger.start();
    }

    @AfterEach
    void stopCertmonger() {
        if (certmonger != null) {
            certmonger.close();
        }
    }

    private static String accountWith(String domain) {
        String account = server.admin().createVendor("SCEP " + domain + " " + System.nanoTime());
        server.admin().setDomains(account, domain);
        server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("enabled", true))
                .assertStatus(200);
        return account;
    }

    private static String password(String account, String kind) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/scep/passwords", Map.of("kind", kind, "label", "printer"))
                .assertStatus(201)
                .json()
                .get("password")
                .asText();
    }

    private static String url(String account) {
        return "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/scep/" + account;
    }

    private static List<JsonNode> deviceCertificates(String account) {
        List<JsonNode> out = new ArrayList<>();
        server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .assertStatus(200)
                .json()
                .get("certificates")
                .forEach(out::add);
        return out;
    }

    private String request(String ca, String id, String name, String password) {
        Path certs = certmonger.dir().resolve("certs");
        var added = certmonger.getcert(
                "request",
                "-s",
                "-c",
                ca,
                "-I",
                id,
                "-f",
                certs.resolve(id + ".crt").toString(),
                "-k",
                certs.resolve(id + ".key").toString(),
                "-N",
                "CN=" + name,
                "-D",
                name,
                "-L",
                password);
        assertThat(added.exit()).as(added.output()).isZero();
        return id;
    }

    /** The certificate certmonger saved for the request; null while it has none (or is writing it). */
    private X509Certificate issued(String id) throws Exception {
        Path file = certmonger.dir().resolve("certs").resolve(id + ".crt");
        if (!Files.exists(file) || Files.size(file) == 0) {
            return null;
        }
        return CertificateFiles.readCertificates(
                        Files.readAllBytes(certmonger.dir().resolve("certs").resolve(id + ".crt")))
                .get(0);
    }

    /** {@code openssl verify} of the certificate against the platform root, the issuing CA as untrusted. */
    private String verify(String id) throws Exception {
        Path dir = certmonger.dir();
        Path root = server.platformCaFile(dir);
        var cas = certmonger.scepSubmit(url("x"), "-C").output();
        Path chain = dir.resolve("scep-cas.pem");
        Files.writeString(chain, cas);
        return DebianTools.run(
                        dir,
                        "openssl",
                        "verify",
                        "-CAfile",
                        root.toString(),
                        "-untrusted",
                        chain.toString(),
                        "-purpose",
                        "sslserver",
                        dir.resolve("certs").resolve(id + ".crt").toString())
                .output();
    }

    private static double scepCount(String type, String outcome) {
        String metrics = server.anonymous().get("/metrics").text();
        var m = java.util.regex.Pattern.compile("certdesk_scep_requests_total\\{[^}]*outcome=\"" + outcome
                        + "\",type=\"" + type + "\"[^}]*\\} ([0-9.E]+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void certmongerReadsTheCapabilitiesAndTheCaCertificatesWithItsScepHelper() throws Exception {
        String account = accountWith("caps.scep.test");

        var caps = certmonger.scepSubmit(url(account), "-c");
        var cas = certmonger.scepSubmit(url(account), "-C");

        assertThat(caps.exit()).as(caps.output()).isZero();
        assertThat(caps.output().lines()).contains("POSTPKIOperation", "SHA-256", "AES", "Renewal", "SCEPStandard");
        assertThat(cas.exit()).as(cas.output()).isZero();
        List<X509Certificate> certificates =
                CertificateFiles.readCertificates(cas.output().getBytes());
        // the RA first (it signs the answers, requests are encrypted to it), then the CA, then the root
        assertThat(certificates.get(0).getSubjectX500Principal().getName()).contains("SCEP RA");
        assertThat(certificates.get(0).getKeyUsage()[2]).as("keyEncipherment").isTrue();
        assertThat(certificates).contains(server.server().platformCa().root());
    }

    @Test
    void certmongerEnrollsWithAOneTimePasswordAndRenewsAndRekeysWithTheCertificateItGot() throws Exception {
        String account = accountWith("printer1.scep.test");
        String otp = password(account, "ONE_TIME");
        var added = certmonger.getcert("add-scep-ca", "-s", "-c", "certdesk", "-u", url(account));
        assertThat(added.exit()).as(added.output()).isZero();

        String id = request("certdesk", "printer1", "printer1.scep.test", otp);
        certmonger.awaitStatus(id, WAIT, "MONITORING");
        Eventually.holds("the certificate written", WAIT, () -> issued(id) != null);

        X509Certificate first = issued(id);
        assertThat(verify(id)).contains(": OK");
        assertThat(first.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))))
                .containsExactly("printer1.scep.test");
        List<JsonNode> listed = deviceCertificates(account);
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("issuedFor").asText()).isEqualTo("SCEP");
        assertThat(listed.get(0).get("serial").asText())
                .isEqualTo(first.getSerialNumber().toString(16));
        JsonNode used = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/passwords")
                .json()
                .get("passwords")
                .get(0);
        assertThat(used.get("usedAt").isNull()).isFalse();
        assertThat(used.has("password") && !used.get("password").isNull())
                .as("the password is never listed")
                .isFalse();

        // resubmit: the same key, the request signed with the certificate being renewed (no password needed)
        var resubmitted = certmonger.getcert("resubmit", "-s", "-i", id);
        assertThat(resubmitted.exit()).as(resubmitted.output()).isZero();
        Eventually.holds(
                "the renewed certificate written",
                WAIT,
                () -> issued(id) != null && !issued(id).equals(first));
        X509Certificate renewed = issued(id);
        certmonger.awaitStatus(id, WAIT, "MONITORING");
        assertThat(renewed.getPublicKey()).isEqualTo(first.getPublicKey());
        assertThat(verify(id)).contains(": OK");

        // rekey: a new key, the request signed with the current certificate and its old key (SCEP's Renewal)
        var rekeyed = certmonger.getcert("rekey", "-s", "-i", id);
        assertThat(rekeyed.exit()).as(rekeyed.output()).isZero();
        Eventually.holds(
                "the rekeyed certificate written",
                WAIT,
                () -> issued(id) != null && !issued(id).equals(renewed));
        certmonger.awaitStatus(id, WAIT, "MONITORING");
        X509Certificate third = issued(id);
        assertThat(third.getPublicKey()).isNotEqualTo(renewed.getPublicKey());
        assertThat(deviceCertificates(account)).hasSize(3);
        assertThat(scepCount("RENEWAL_REQ", "SUCCESS") + scepCount("PKCS_REQ", "SUCCESS"))
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aWrongPasswordAndANameOutsideTheAccountAreRefusedAndNothingIsIssued() throws Exception {
        String account = accountWith("printer2.scep.test");
        String otp = password(account, "ONE_TIME");
        certmonger.getcert("add-scep-ca", "-s", "-c", "certdesk", "-u", url(account));

        double refusedBefore = scepCount("PKCS_REQ", "BAD_REQUEST");
        request("certdesk", "wrong", "printer2.scep.test", "NOT-THE-PASSWORD-AT-ALL");
        request("certdesk", "foreign", "printer.elsewhere.test", otp);

        certmonger.awaitStatus("wrong", WAIT, "CA_REJECTED");
        certmonger.awaitStatus("foreign", WAIT, "CA_REJECTED");
        // certmonger shows its own words for failInfo badRequest
        assertThat(certmonger.field("wrong", "ca-error")).contains("not permitted");
        assertThat(scepCount("PKCS_REQ", "BAD_REQUEST") - refusedBefore).isEqualTo(2);
        assertThat(deviceCertificates(account)).isEmpty();
        JsonNode password = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/passwords")
                .json()
                .get("passwords")
                .get(0);
        assertThat(password.get("usedAt").isNull())
                .as("a refused request does not spend the password")
                .isTrue();
        assertThat(Files.exists(certmonger.dir().resolve("certs/wrong.crt"))).isFalse();
    }

    @Test
    void onNdesPathTheStaticPasswordFindsTheAccount() throws Exception {
        String account = accountWith("mfp.scep.test");
        accountWith("other.scep.test"); // another account with SCEP on: its devices are not this one's
        String password = password(account, "STATIC");
        String ndes = "http://127.0.0.1:" + server.server().httpPort().orElseThrow() + "/certsrv/mscep/mscep.dll";
        certmonger.getcert("add-scep-ca", "-s", "-c", "ndes", "-u", ndes);

        String id = request("ndes", "mfp", "mfp.scep.test", password);
        certmonger.awaitStatus(id, WAIT, "MONITORING");
        Eventually.holds("the certificate written", WAIT, () -> issued(id) != null);

        assertThat(deviceCertificates(account).stream().map(c -> c.get("serial").asText()))
                .containsExactly(issued(id).getSerialNumber().toString(16));
    }
}
