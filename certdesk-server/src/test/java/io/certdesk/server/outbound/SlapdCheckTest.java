package io.certdesk.server.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certdesk.pki.codec.CertificateCodec;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Checks;
import io.certdesk.server.testing.Slapd;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Connection checks against Debian's slapd (OpenLDAP with GnuTLS), LDAPS and StartTLS, with a CA built here. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class SlapdCheckTest {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static TestCa.Issued ca;
    private static Slapd good;
    private static Slapd wrongHost;
    private static Slapd expired;
    private static TestServer server;

    @Parameter
    TestDatabase database;

    @BeforeAll
    static void startSlapd() {
        Instant now = Instant.now();
        ca = TestCa.certificate("O=Acme,CN=Acme Domain Controllers CA")
                .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(900)))
                .build();
        good = Slapd.start(
                TestCa.certificate("CN=127.0.0.1")
                        .issuedBy(ca)
                        .endEntity()
                        .ip("127.0.0.1")
                        .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                        .build(),
                ca.certificate());
        wrongHost = Slapd.start(
                TestCa.certificate("CN=dc02.elsewhere.test")
                        .issuedBy(ca)
                        .endEntity()
                        .dns("dc02.elsewhere.test")
                        .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                        .build(),
                ca.certificate());
        expired = Slapd.start(
                TestCa.certificate("CN=127.0.0.1")
                        .issuedBy(ca)
                        .endEntity()
                        .ip("127.0.0.1")
                        .validity(now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(2)))
                        .build(),
                ca.certificate());
    }

    @AfterAll
    static void stopSlapd() {
        for (Slapd slapd : new Slapd[] {good, wrongHost, expired}) {
            if (slapd != null) {
                slapd.close();
            }
        }
    }

    @BeforeParameterizedClassInvocation
    static void startServer(TestDatabase database) {
        server = TestServer.startWithOutbound(
                database,
                List.of("127.0.0.0/8"),
                List.of(good.ldapsPort(), good.ldapPort(), wrongHost.ldapsPort(), expired.ldapsPort()));
    }

    @AfterParameterizedClassInvocation
    static void stopServer() {
        server.close();
    }

    private static Map<String, Object> target(String protocol, int port) {
        return Checks.target(protocol, port);
    }

    private static JsonNode check(String account, Map<String, Object> body) {
        return Checks.check(server, account, body);
    }

    @Test
    void ldapsAndStartTlsFailWithTheCaNamedUntilItIsImportedThenPassAndBind() {
        String account = server.admin().createVendor("Slapd " + NEXT.incrementAndGet());
        for (Map<String, Object> target :
                List.of(target("LDAPS", good.ldapsPort()), target("LDAP_STARTTLS", good.ldapPort()))) {
            JsonNode before = check(account, target);
            assertThat(before.path("validation").path("code").asText())
                    .as(before.toString())
                    .isEqualTo("unknown_issuer");
            assertThat(before.path("suggestedCa").path("subject").asText()).contains("Acme Domain Controllers CA");
            assertThat(before.path("suggestedCa").path("sha256").asText())
                    .isEqualTo(CertificateCodec.sha256Hex(ca.certificate()));
        }
        server.admin()
                .upload(
                        "/api/v1/accounts/" + account + "/trusted-cas",
                        "ca.pem",
                        Pem.certificate(ca.certificate()).getBytes())
                .assertStatus(201);
        for (Map<String, Object> target :
                List.of(target("LDAPS", good.ldapsPort()), target("LDAP_STARTTLS", good.ldapPort()))) {
            JsonNode after = check(account, target);
            assertThat(after.path("ok").asBoolean()).as(after.toString()).isTrue();

            target.put("bindDn", Slapd.ROOT_DN);
            target.put("bindPassword", Slapd.ROOT_PASSWORD);
            JsonNode bound = check(account, target);
            assertThat(bound.path("ldapBind").path("ok").asBoolean())
                    .as(bound.toString())
                    .isTrue();

            target.put("bindPassword", "wrong");
            JsonNode refused = check(account, target);
            assertThat(refused.path("validation").path("ok").asBoolean()).isTrue();
            assertThat(refused.path("ldapBind").path("ok").asBoolean()).isFalse();
            assertThat(refused.path("ldapBind").path("message").asText()).contains("invalid credentials");
        }
    }

    @Test
    void aCertificateForAnotherHostIsHostnameMismatchAndAnExpiredOneExpired() {
        String account = server.admin().createVendor("Slapd " + NEXT.incrementAndGet());
        server.admin()
                .upload(
                        "/api/v1/accounts/" + account + "/trusted-cas",
                        "ca.pem",
                        Pem.certificate(ca.certificate()).getBytes())
                .assertStatus(201);
        assertThat(check(account, target("LDAPS", wrongHost.ldapsPort()))
                        .path("validation")
                        .path("code")
                        .asText())
                .isEqualTo("hostname_mismatch");
        assertThat(check(account, target("LDAPS", expired.ldapsPort()))
                        .path("validation")
                        .path("code")
                        .asText())
                .isEqualTo("expired");
    }
}
