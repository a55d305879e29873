package io.certdesk.server.scep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.ScepClient;
import io.certdesk.server.testing.Api;
import io.certdesk.server.testing.OnBothDatabases;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

/**
 * SCEP over HTTP as a device speaks it, with a client written here from the RFC on Bouncy
 * Castle's CMS: what is issued, what is refused (and that nothing is stored for a refusal), held
 * requests, polls, retransmissions, renewals.
 */
class ScepProtocolTest extends OnBothDatabases {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private record Device(KeyPair keys, X509Certificate self) {
        static Device make(String name) {
            KeyPair keys = KeyPairs.generate(KeyType.RSA_2048, RANDOM);
            return new Device(keys, ScepClient.selfSigned(keys, name));
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + server.server().httpPort().orElseThrow();
    }

    private static HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> post(String path, byte[] body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base() + path + "?operation=PKIOperation"))
                        .header("Content-Type", "application/x-pki-message")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static X509Certificate ra() throws Exception {
        HttpResponse<byte[]> answer = get("/scep?operation=GetCACert");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/x-x509-ca-ra-cert");
        return ScepClient.registrationAuthority(answer.body());
    }

    private static String account(String domain) {
        String account = server.admin().createVendor("SCEP protocol " + domain + " " + System.nanoTime());
        server.admin().setDomains(account, domain);
        server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("enabled", true))
                .assertStatus(200);
        return account;
    }

    private static String oneTime(String account) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/scep/passwords", Map.of())
                .assertStatus(201)
                .json()
                .get("password")
                .asText();
    }

    private static ScepClient.Sent pkcsReq(Device device, String name, Optional<String> password) throws Exception {
        byte[] csr = ScepClient.csr(device.keys(), name, List.of(name), password);
        return ScepClient.enrollment(
                19,
                csr,
                device.self(),
                device.keys().getPrivate(),
                ra(),
                ScepClient.transactionId(),
                ScepClient.Options.standard());
    }

    private static ScepClient.Reply send(String path, ScepClient.Sent sent, Device device) throws Exception {
        HttpResponse<byte[]> answer = post(path, sent.der());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).contains("application/x-pki-message");
        ScepClient.Reply reply =
                ScepClient.read(answer.body(), ra(), device.keys().getPrivate());
        assertThat(reply.transactionId()).isEqualTo(sent.transactionId());
        assertThat(reply.recipientNonce()).isEqualTo(sent.senderNonce());
        return reply;
    }

    private static List<JsonNode> certificates(String account) {
        List<JsonNode> out = new ArrayList<>();
        server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .assertStatus(200)
                .json()
                .get("certificates")
                .forEach(out::add);
        return out;
    }

    private static List<JsonNode> requests(String account) {
        List<JsonNode> out = new ArrayList<>();
        server.admin()
                .get("/api/v1/accounts/" + account + "/scep/requests")
                .assertStatus(200)
                .json()
                .get("requests")
                .forEach(out::add);
        return out;
    }

    @Test
    void aDeviceEnrollsAndTheSameTransactionSentAgainGetsTheSameCertificate() throws Exception {
        String account = account("again.scep.test");
        Device device = Device.make("again.scep.test");
        ScepClient.Sent sent = pkcsReq(device, "again.scep.test", Optional.of(oneTime(account)));

        ScepClient.Reply first = send("/scep/" + account, sent, device);
        ScepClient.Reply second = send("/scep/" + account, sent, device);

        assertThat(first.status()).isEqualTo("0");
        assertThat(first.certificates().get(0).getPublicKey())
                .isEqualTo(device.keys().getPublic());
        assertThat(second.status()).isEqualTo("0");
        assertThat(second.certificates().get(0)).isEqualTo(first.certificates().get(0));
        assertThat(certificates(account)).hasSize(1);
        String serial = first.certificates().get(0).getSerialNumber().toString(16);
        JsonNode expiring = server.admin()
                .get("/api/v1/accounts/" + account + "/expiring?within=P400D")
                .assertStatus(200)
                .json();
        assertThat(expiring.get("items").toString()).as("in the expiry view").contains("\"SCEP\"", serial);
        assertThat(requests(account)).singleElement().satisfies(r -> {
            assertThat(r.get("status").asText()).isEqualTo("ISSUED");
            assertThat(r.get("kind").asText()).isEqualTo("ENROLLMENT");
        });
    }

    @Test
    void aWrongPasswordIsBadRequestAndNothingIsStored() throws Exception {
        String account = account("wrong.scep.test");
        oneTime(account);
        String passwords = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/passwords")
                .text();
        Device device = Device.make("wrong.scep.test");

        ScepClient.Reply reply = send(
                "/scep/" + account,
                pkcsReq(device, "wrong.scep.test", Optional.of("AAAAAAAAAAAAAAAAAAAAAAAA")),
                device);
        ScepClient.Reply none = send("/scep/" + account, pkcsReq(device, "wrong.scep.test", Optional.empty()), device);

        assertThat(reply.status()).isEqualTo("2");
        assertThat(reply.failInfo()).contains("2");
        assertThat(reply.failInfoText().orElseThrow()).contains("challenge password");
        assertThat(none.failInfoText().orElseThrow()).contains("no challenge password");
        assertThat(certificates(account)).isEmpty();
        assertThat(requests(account)).isEmpty();
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/scep/passwords")
                        .text())
                .isEqualTo(passwords);
    }

    @Test
    void anotherAccountsPasswordIsWrongOnThisAccountsUrlButFindsItsOwnAccountOnNdesPath() throws Exception {
        String mine = account("mine.scep.test");
        String theirs = account("theirs.scep.test");
        String theirPassword = oneTime(theirs);
        Device device = Device.make("theirs.scep.test");

        ScepClient.Reply here =
                send("/scep/" + mine, pkcsReq(device, "theirs.scep.test", Optional.of(theirPassword)), device);
        ScepClient.Reply ndes = send(
                "/certsrv/mscep/mscep.dll", pkcsReq(device, "theirs.scep.test", Optional.of(theirPassword)), device);

        assertThat(here.status()).isEqualTo("2");
        assertThat(certificates(mine)).isEmpty();
        assertThat(ndes.status()).isEqualTo("0");
        assertThat(certificates(theirs)).hasSize(1);
    }

    @Test
    void aOneTimePasswordIsSpentByTheEnrollmentItAuthorizes() throws Exception {
        String account = account("once.scep.test");
        String password = oneTime(account);
        Device first = Device.make("once.scep.test");
        Device second = Device.make("once.scep.test");

        ScepClient.Reply issued =
                send("/scep/" + account, pkcsReq(first, "once.scep.test", Optional.of(password)), first);
        ScepClient.Reply again =
                send("/scep/" + account, pkcsReq(second, "once.scep.test", Optional.of(password)), second);

        assertThat(issued.status()).isEqualTo("0");
        assertThat(again.status()).isEqualTo("2");
        assertThat(again.failInfoText().orElseThrow()).contains("used already");
        assertThat(certificates(account)).hasSize(1);
    }

    @Test
    void anAccountWithScepOffRefusesItsOwnPassword() throws Exception {
        String account = account("off.scep.test");
        String password = oneTime(account);
        server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("enabled", false))
                .assertStatus(200);
        Device device = Device.make("off.scep.test");

        ScepClient.Reply reply =
                send("/scep/" + account, pkcsReq(device, "off.scep.test", Optional.of(password)), device);

        assertThat(reply.status()).isEqualTo("2");
        assertThat(reply.failInfoText().orElseThrow()).contains("off for this account");
        assertThat(certificates(account)).isEmpty();
    }

    @Test
    void aHeldRequestIsPendingUntilTheVendorApprovesItAndThePollGetsTheCertificate() throws Exception {
        String vendor = server.admin().createVendor("SCEP holding vendor " + System.nanoTime());
        String customer = server.admin().createCustomer("SCEP holding customer", vendor);
        server.admin().setDomains(customer, "held.scep.test");
        server.admin()
                .put("/api/v1/accounts/" + customer + "/scep/settings", Map.of("enabled", true, "foreignNames", "HOLD"))
                .assertStatus(200);
        String user = "scep-customer-" + System.nanoTime();
        server.admin().createUser(customer, user, "customer-admin-password");
        Api customerAdmin = server.anonymous().login(user, "customer-admin-password");
        Device device = Device.make("printer-7f3a");
        ScepClient.Sent sent = pkcsReq(device, "printer-7f3a.lan", Optional.of(oneTime(customer)));

        ScepClient.Reply pending = send("/scep/" + customer, sent, device);
        assertThat(pending.status()).isEqualTo("3");
        JsonNode held = server.admin()
                .get("/api/v1/accounts/" + customer + "/scep/requests?status=PENDING")
                .json()
                .get("requests")
                .get(0);
        assertThat(held.get("dnsNames").get(0).asText()).isEqualTo("printer-7f3a.lan");
        String rid = held.get("id").asText();

        // the customer's own admin may not issue for a name outside its domains: those above it set them
        customerAdmin
                .post("/api/v1/accounts/" + customer + "/scep/requests/" + rid + "/approve", Map.of())
                .assertProblem(403, "forbidden");
        assertThat(requests(customer).get(0).get("status").asText()).isEqualTo("PENDING");
        assertThat(certificates(customer)).isEmpty();
        ScepClient.Sent poll = ScepClient.poll(
                X500Name.getInstance(ra().getIssuerX500Principal().getEncoded()),
                new X500Name("CN=printer-7f3a.lan"),
                device.self(),
                device.keys().getPrivate(),
                ra(),
                sent.transactionId());
        assertThat(send("/scep/" + customer, poll, device).status()).isEqualTo("3");

        JsonNode approved = server.admin()
                .post("/api/v1/accounts/" + customer + "/scep/requests/" + rid + "/approve", Map.of())
                .assertStatus(200)
                .json();
        assertThat(approved.get("status").asText()).isEqualTo("ISSUED");
        assertThat(approved.get("decidedBy").asText()).isEqualTo("admin");
        server.admin()
                .post("/api/v1/accounts/" + customer + "/scep/requests/" + rid + "/approve", Map.of())
                .assertProblem(409, "already_decided");

        ScepClient.Reply issued = send("/scep/" + customer, poll, device);
        assertThat(issued.status()).isEqualTo("0");
        assertThat(issued.certificates().get(0).getSerialNumber().toString(16))
                .isEqualTo(approved.get("serial").asText());
        assertThat(issued.certificates()
                        .get(0)
                        .getSubjectAlternativeNames()
                        .iterator()
                        .next()
                        .get(1))
                .isEqualTo("printer-7f3a.lan");
        assertThat(certificates(customer)).hasSize(1);
    }

    @Test
    void aRejectedRequestsPollIsAFailureWithTheReason() throws Exception {
        String account = account("rejected.scep.test");
        server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("foreignNames", "HOLD"))
                .assertStatus(200);
        Device device = Device.make("rejected");
        ScepClient.Sent sent = pkcsReq(device, "somewhere.else.test", Optional.of(oneTime(account)));
        assertThat(send("/scep/" + account, sent, device).status()).isEqualTo("3");
        String rid = requests(account).get(0).get("id").asText();

        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/scep/requests/" + rid + "/reject",
                        Map.of("reason", "not one of ours"))
                .assertStatus(200);

        ScepClient.Reply again = send("/scep/" + account, sent, device);
        assertThat(again.status()).isEqualTo("2");
        assertThat(again.failInfoText().orElseThrow()).contains("not one of ours");
        assertThat(certificates(account)).isEmpty();
    }

    @Test
    void aRenewalSignedByARevokedCertificateIsRefusedAndOneSignedByAGoodOneIsIssued() throws Exception {
        String account = account("renew.scep.test");
        Device device = Device.make("renew.scep.test");
        ScepClient.Reply enrolled =
                send("/scep/" + account, pkcsReq(device, "renew.scep.test", Optional.of(oneTime(account))), device);
        X509Certificate current = enrolled.certificates().get(0);
        KeyPair next = KeyPairs.generate(KeyType.RSA_2048, RANDOM);
        java.util.function.Supplier<ScepClient.Sent> renewal = () -> ScepClient.enrollment(
                17,
                ScepClient.csr(next, "renew.scep.test", List.of("renew.scep.test"), Optional.empty()),
                current,
                device.keys().getPrivate(),
                raUnchecked(),
                ScepClient.transactionId(),
                ScepClient.Options.standard());

        ScepClient.Reply renewed = send("/scep/" + account, renewal.get(), device);
        assertThat(renewed.status()).isEqualTo("0");
        assertThat(renewed.certificates().get(0).getPublicKey()).isEqualTo(next.getPublic());
        assertThat(requests(account).get(0).get("kind").asText()).isEqualTo("RENEWAL");

        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/certificates/"
                                + current.getSerialNumber().toString(16) + "/revoke",
                        Map.of("reason", "keyCompromise"))
                .assertStatus(200);
        ScepClient.Reply refused = send("/scep/" + account, renewal.get(), device);
        assertThat(refused.status()).isEqualTo("2");
        assertThat(refused.failInfoText().orElseThrow()).contains("revoked");
        assertThat(certificates(account)).hasSize(2);
    }

    private static X509Certificate raUnchecked() {
        try {
            return ra();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPollAboutNothingKnownIsBadCertIdAndGetCertGivesADeviceCertificateAgain() throws Exception {
        String account = account("poll.scep.test");
        Device device = Device.make("poll.scep.test");
        ScepClient.Reply enrolled =
                send("/scep/" + account, pkcsReq(device, "poll.scep.test", Optional.of(oneTime(account))), device);
        X509Certificate issued = enrolled.certificates().get(0);

        ScepClient.Reply unknown = send(
                "/scep/" + account,
                ScepClient.poll(
                        new X500Name("CN=x"),
                        new X500Name("CN=y"),
                        device.self(),
                        device.keys().getPrivate(),
                        ra(),
                        "no-such-transaction"),
                device);
        ScepClient.Reply again = send(
                "/scep/" + account,
                ScepClient.getCert(
                        X500Name.getInstance(issued.getIssuerX500Principal().getEncoded()),
                        issued.getSerialNumber(),
                        device.self(),
                        device.keys().getPrivate(),
                        ra()),
                device);

        assertThat(unknown.failInfo()).contains("4");
        assertThat(again.status()).isEqualTo("0");
        assertThat(again.certificates()).containsExactly(issued);
    }

    @Test
    void aGetWithTheMessageInTheQueryIsAnsweredAndBytesThatAreNoScepMessageArePlainBadRequests() throws Exception {
        String account = account("get.scep.test");
        Device device = Device.make("get.scep.test");
        ScepClient.Sent sent = pkcsReq(device, "get.scep.test", Optional.of(oneTime(account)));

        HttpResponse<byte[]> viaGet = get("/scep/" + account + "/pkiclient.exe?operation=PKIOperation&message="
                + URLEncoder.encode(Base64.getEncoder().encodeToString(sent.der()), StandardCharsets.US_ASCII));
        HttpResponse<byte[]> garbage = post("/scep/" + account, "not a pkcs7".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<byte[]> huge = post("/scep/" + account, new byte[70_000]);
        HttpResponse<byte[]> noOperation = get("/scep/" + account);
        HttpResponse<byte[]> unknown = get("/scep/" + account + "?operation=GetNextCACert");

        assertThat(viaGet.statusCode()).isEqualTo(200);
        assertThat(ScepClient.read(viaGet.body(), ra(), device.keys().getPrivate())
                        .status())
                .isEqualTo("0");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(new String(garbage.body(), StandardCharsets.UTF_8)).contains("not a CMS SignedData");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(noOperation.statusCode()).isEqualTo(400);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(certificates(account)).hasSize(1);
        HttpResponse<byte[]> caps = get("/certsrv/mscep/mscep.dll?operation=GetCACaps");
        assertThat(new String(caps.body(), StandardCharsets.US_ASCII).lines())
                .containsExactly("POSTPKIOperation", "SHA-256", "SHA-512", "AES", "Renewal", "SCEPStandard");
    }

    @Test
    void theScepSettingsRefuseAValidityOutsideTheirBoundsAndChangeNothing() {
        String account = account("bounds.scep.test");
        String before = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/settings")
                .text();

        var refused = server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("validityDays", 398))
                .assertProblem(422, "validation_failed");
        var badProfile = server.admin()
                .put("/api/v1/accounts/" + account + "/scep/settings", Map.of("profile", "EVERYTHING"))
                .assertProblem(422, "validation_failed");
        var longOtp = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/scep/passwords",
                        Map.of("kind", "ONE_TIME", "validMinutes", 60 * 24 * 31))
                .assertProblem(422, "validation_failed");

        assertThat(refused.json().get("field").asText()).isEqualTo("validityDays");
        assertThat(badProfile.json().get("field").asText()).isEqualTo("profile");
        assertThat(longOtp.json().get("field").asText()).isEqualTo("validMinutes");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/scep/settings")
                        .text())
                .isEqualTo(before);
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/scep/passwords")
                        .json()
                        .get("passwords"))
                .isEmpty();
    }
}
