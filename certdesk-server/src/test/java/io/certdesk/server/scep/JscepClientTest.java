package io.certdesk.server.scep;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.keys.KeyPairs;
import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.ScepClient;
import io.certdesk.server.testing.OnBothDatabases;
import java.net.URL;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.jscep.client.Client;
import org.jscep.client.EnrollmentResponse;
import org.jscep.client.verification.OptimisticCertificateVerifier;
import org.jscep.transaction.FailInfo;
import org.jscep.transport.response.Capabilities;
import org.junit.jupiter.api.Test;

/** jscep, a SCEP client library written elsewhere, against the server: NDES's path, a held request polled, a refusal. */
class JscepClientTest extends OnBothDatabases {
    private static final SecureRandom RANDOM = new SecureRandom();

    private static String account(String domain, boolean hold) {
        String account = server.admin().createVendor("jscep " + domain + " " + System.nanoTime());
        server.admin().setDomains(account, domain);
        server.admin()
                .put(
                        "/api/v1/accounts/" + account + "/scep/settings",
                        Map.of("enabled", true, "foreignNames", hold ? "HOLD" : "REFUSE"))
                .assertStatus(200);
        return account;
    }

    private static String password(String account, String kind) {
        return server.admin()
                .post("/api/v1/accounts/" + account + "/scep/passwords", Map.of("kind", kind))
                .assertStatus(201)
                .json()
                .get("password")
                .asText();
    }

    private static Client client(String path) throws Exception {
        return new Client(
                new URL("http://127.0.0.1:" + server.server().httpPort().orElseThrow() + path),
                new OptimisticCertificateVerifier());
    }

    private record Device(KeyPair keys, X509Certificate identity) {
        static Device make(String name) {
            KeyPair keys = KeyPairs.generate(KeyType.RSA_2048, RANDOM);
            return new Device(keys, ScepClient.selfSigned(keys, name));
        }

        PKCS10CertificationRequest csr(String name, String password) throws Exception {
            return new PKCS10CertificationRequest(ScepClient.csr(keys, name, List.of(name), Optional.of(password)));
        }
    }

    private static int certificates(String account) {
        return server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .json()
                .get("certificates")
                .size();
    }

    @Test
    void jscepReadsTheCapabilitiesAndEnrollsOnNdesPathWithTheStaticPassword() throws Exception {
        String account = account("jscep.scep.test", false);
        String password = password(account, "STATIC");
        Device device = Device.make("jscep.scep.test");
        Client client = client("/certsrv/mscep/mscep.dll");

        Capabilities caps = client.getCaCapabilities();
        EnrollmentResponse response =
                client.enrol(device.identity(), device.keys().getPrivate(), device.csr("jscep.scep.test", password));

        assertThat(caps.isPostSupported()).isTrue();
        assertThat(caps.isRenewalSupported()).isTrue();
        assertThat(caps.getStrongestMessageDigest().getAlgorithm()).isEqualTo("SHA-512");
        assertThat(response.isSuccess())
                .as("failInfo %s", response.isFailure() ? response.getFailInfo() : null)
                .isTrue();
        X509Certificate issued = (X509Certificate) response.getCertStore()
                .getCertificates(new java.security.cert.X509CertSelector() {
                    {
                        setSubjectPublicKey(device.keys().getPublic());
                    }
                })
                .iterator()
                .next();
        assertThat(issued.getSubjectAlternativeNames().iterator().next().get(1)).isEqualTo("jscep.scep.test");
        assertThat(certificates(account)).isEqualTo(1);
    }

    @Test
    void jscepIsToldPendingOnNdesPathAndPollsItsCertificateOnceTheVendorApproves() throws Exception {
        String account = account("held-jscep.scep.test", true);
        Device device = Device.make("kiosk-17");
        // NDES's path: the password tells the account, and the poll is known by its transaction and its sender
        Client client = client("/certsrv/mscep/mscep.dll");

        EnrollmentResponse pending = client.enrol(
                device.identity(),
                device.keys().getPrivate(),
                device.csr("kiosk-17.local", password(account, "ONE_TIME")));
        assertThat(pending.isPending()).isTrue();
        EnrollmentResponse stillPending = client.poll(
                device.identity(),
                device.keys().getPrivate(),
                new javax.security.auth.x500.X500Principal("CN=kiosk-17.local"),
                pending.getTransactionId());
        assertThat(stillPending.isPending()).isTrue();

        String rid = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/requests?status=PENDING")
                .json()
                .get("requests")
                .get(0)
                .get("id")
                .asText();
        server.admin()
                .post("/api/v1/accounts/" + account + "/scep/requests/" + rid + "/approve", Map.of())
                .assertStatus(200);
        EnrollmentResponse issued = client.poll(
                device.identity(),
                device.keys().getPrivate(),
                new javax.security.auth.x500.X500Principal("CN=kiosk-17.local"),
                pending.getTransactionId());

        assertThat(issued.isSuccess()).isTrue();
        assertThat(issued.getCertStore().getCertificates(null)).isNotEmpty();
        assertThat(certificates(account)).isEqualTo(1);
    }

    @Test
    void jscepGetsBadRequestForAWrongPasswordAndNothingIsIssued() throws Exception {
        String account = account("refused-jscep.scep.test", false);
        password(account, "ONE_TIME");
        Device device = Device.make("refused-jscep.scep.test");

        EnrollmentResponse response = client("/scep/" + account)
                .enrol(
                        device.identity(),
                        device.keys().getPrivate(),
                        device.csr("refused-jscep.scep.test", "WRONGWRONGWRONGWRONGWRON"));

        assertThat(response.isFailure()).isTrue();
        assertThat(response.getFailInfo()).isEqualTo(FailInfo.badRequest);
        assertThat(certificates(account)).isZero();
    }
}
