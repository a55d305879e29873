package io.certdesk.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Browser;
import io.certdesk.server.testing.TestDatabase;
import io.certdesk.server.testing.TestServer;
import io.certdesk.server.testing.TlsPeers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/** The connection check in the browser: an unknown issuer, "Trust this CA", trusted; the audit log shows it. */
@ParameterizedClass(name = "on {0}")
@EnumSource(TestDatabase.class)
class ConsoleCheckBrowserTest {
    private static InMemoryDirectoryServer directory;
    private static TestServer server;
    private static Browser browser;

    @Parameter
    TestDatabase database;

    @BeforeAll
    static void startDirectory() {
        Instant now = Instant.now();
        var ca = TestCa.certificate("O=Initech,CN=Initech Directory CA")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                .build();
        var leaf = TestCa.certificate("CN=127.0.0.1")
                .issuedBy(ca)
                .endEntity()
                .ip("127.0.0.1")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)))
                .build();
        directory = TlsPeers.directory(
                new TlsPeers.LdapListener("ldaps", true, TlsPeers.serverContext(leaf, ca.certificate())));
    }

    @AfterAll
    static void stopDirectory() {
        directory.shutDown(true);
    }

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase database) {
        server = TestServer.startWithOutbound(
                database, List.of("127.0.0.0/8"), List.of(directory.getListenPort("ldaps")));
        browser = Browser.start(server.server().platformCa().root());
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        browser.close();
        server.close();
    }

    @Test
    void anUnknownIssuerIsTrustedFromTheCheckAndTheAuditLogShowsTheChecks() {
        String account = server.admin().createVendor("Initech");
        String base = "https://localhost:" + server.server().httpsPort() + "/";
        browser.open(base);
        browser.visible(By.id("username")).sendKeys("admin");
        browser.driver().findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD, Keys.ENTER);
        browser.text(By.id("who"), "admin");
        browser.open(base + "#/a/" + account + "/check");
        browser.visible(By.id("check-host")).sendKeys("127.0.0.1");
        browser.driver().findElement(By.id("check-port")).clear();
        browser.driver().findElement(By.id("check-port")).sendKeys(String.valueOf(directory.getListenPort("ldaps")));
        new Select(browser.driver().findElement(By.id("check-protocol"))).selectByValue("LDAPS");
        browser.driver().findElement(By.id("check-bind-dn")).sendKeys(TlsPeers.BIND_DN);
        browser.driver().findElement(By.id("check-bind-password")).sendKeys(TlsPeers.BIND_PASSWORD);
        browser.driver()
                .findElement(By.cssSelector("#check-form button[type=submit]"))
                .click();
        assertThat(browser.text(By.id("check-verdict"), "unknown_issuer").getText())
                .contains("Initech Directory CA");
        assertThat(browser.driver().findElement(By.id("check-bind")).getText())
                .startsWith("Bind: not attempted — Not attempted");
        assertThat(browser.driver().findElement(By.id("presented-chain")).getText())
                .contains("CN=127.0.0.1")
                .contains("Initech Directory CA");
        browser.screenshot("08-connection-check-unknown-issuer");

        browser.driver().findElement(By.id("trust-this-ca")).click();
        browser.text(By.id("toast"), "CA trusted");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/trusted-cas")
                        .json()
                        .path("certificates")
                        .toString())
                .contains("Initech Directory CA");
        browser.driver().findElement(By.id("check-bind-password")).sendKeys(TlsPeers.BIND_PASSWORD);
        browser.driver()
                .findElement(By.cssSelector("#check-form button[type=submit]"))
                .click();
        browser.text(By.id("check-verdict"), "Trusted");
        assertThat(browser.text(By.id("check-bind"), "Bind: ok").getText()).contains(TlsPeers.BIND_DN);
        browser.screenshot("09-connection-check-trusted");

        browser.open(base + "#/a/" + account + "/audit");
        String log = browser.text(By.id("audit-log"), "connection checked").getText();
        assertThat(log)
                .contains("LDAPS 127.0.0.1:" + directory.getListenPort("ldaps") + " → unknown_issuer")
                .contains("→ ok, bind ok")
                .contains("trusted ca imported")
                .doesNotContain(TlsPeers.BIND_PASSWORD);
        browser.screenshot("10-audit-log");
    }
}
