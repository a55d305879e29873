package io.certdesk.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.pki.keys.KeyType;
import io.certdesk.pki.testing.Pem;
import io.certdesk.pki.testing.Pkcs12Files;
import io.certdesk.pki.testing.TestCa;
import io.certdesk.server.testing.Browser;
import io.certdesk.server.testing.DebianTools;
import io.certdesk.server.testing.OnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/** The console in Debian's headless Chromium, against a server on H2 and one on PostgreSQL. */
class ConsoleBrowserTest extends OnBothDatabases {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static Browser browser;
    private static Path files;

    private static TestServer browsing;

    @BeforeEach
    void startBrowser() throws Exception {
        if (browsing != server) { // one browser per server (each has its own platform CA)
            stopBrowser();
            // trusts the platform CA (by its key), as a provisioned browser would
            browser = Browser.start(server.server().platformCa().root());
            browsing = server;
            files = Files.createTempDirectory("console-files");
        }
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
            browser = null;
        }
    }

    private static String url(String fragment) {
        return "https://localhost:" + server.server().httpsPort() + "/" + fragment;
    }

    private static void signIn(String username, String password) {
        browser.open(url(""));
        browser.driver().manage().deleteAllCookies(); // a new session for each test
        browser.open(url(""));
        browser.visible(By.id("username")).sendKeys(username);
        browser.driver().findElement(By.id("password")).sendKeys(password, Keys.ENTER);
        browser.text(By.id("who"), username);
        browser.visible(By.cssSelector("#view > *"));
    }

    private static void goTo(String account, String tab) {
        browser.open(url("#/a/" + account + "/" + tab));
        browser.visible(By.cssSelector("#view h1"));
    }

    private static Path file(String name, byte[] content) throws Exception {
        Path path = files.resolve(NEXT.incrementAndGet() + "-" + name);
        Files.write(path, content);
        return path;
    }

    @Test
    void thePlatformAdminCreatesACustomerWithDomainsAndManagesItsCertificates() throws Exception {
        int n = NEXT.incrementAndGet();
        String vendor = server.admin().createVendor("Console Vendor " + n);
        signIn("admin", TestServer.ADMIN_PASSWORD);
        browser.screenshot("01-signed-in");

        // a customer with domains, from the Domains page
        goTo(vendor, "domains");
        browser.visible(By.id("new-account-name")).sendKeys("Globex " + n);
        new Select(browser.driver().findElement(By.id("new-account-type"))).selectByValue("CUSTOMER");
        new Select(browser.driver().findElement(By.id("new-account-parent"))).selectByValue(vendor);
        browser.driver()
                .findElement(By.cssSelector("#account-create button[type=submit]"))
                .click();
        browser.text(By.cssSelector("#view h1"), "Domains — Globex " + n); // the new customer's page
        WebElement domainsText = browser.visible(By.id("domains-text"));
        String domain = "print-" + n + ".globex.test";
        domainsText.sendKeys(domain + "\napi-" + n + ".globex.test");
        browser.driver()
                .findElement(By.cssSelector("#domains-edit button[type=submit]"))
                .click();
        browser.text(By.id("domain-list"), domain);
        String customer = browser.driver().getCurrentUrl().replaceAll(".*#/a/([^/]+)/.*", "$1");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + customer)
                        .json()
                        .path("domains")
                        .toString())
                .contains(domain);
        browser.screenshot("02-domains");

        // a trusted CA
        goTo(customer, "certificates");
        Instant now = Instant.now();
        var ca = TestCa.certificate("O=Globex,CN=Globex Directory CA")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                .build();
        browser.visible(By.id("ca-file"))
                .sendKeys(file("ca.pem", Pem.certificate(ca.certificate()).getBytes())
                        .toString());
        browser.driver()
                .findElement(By.cssSelector("#ca-import button[type=submit]"))
                .click();
        browser.text(By.id("ca-import-result"), "Imported CN=Globex Directory CA,O=Globex.");
        browser.text(By.id("trusted-cas"), "Globex Directory CA");

        // a PFX: the wrong password's sentence next to the password field, then the right one
        var root = TestCa.certificate("O=Globex,CN=Globex Root")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(900)))
                .build();
        var leaf = TestCa.certificate("CN=" + domain)
                .issuedBy(root)
                .endEntity()
                .dns(domain)
                .keyType(KeyType.EC_P256)
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(20)))
                .build();
        char[] password = "pfx-password".toCharArray();
        Path pfx = file(
                "globex.pfx",
                Pkcs12Files.jdk(leaf.key(), List.of(leaf.certificate(), root.certificate()), password, password));
        browser.driver().findElement(By.id("pfx-file")).sendKeys(pfx.toString());
        browser.driver().findElement(By.id("pfx-password")).sendKeys("not-the-password");
        browser.driver()
                .findElement(By.cssSelector("#chain-import button[type=submit]"))
                .click();
        String refusal = browser.text(By.id("pfx-password-error"), "password").getText();
        assertThat(refusal)
                .isEqualTo(server.admin()
                        .upload(
                                "/api/v1/accounts/" + customer + "/private-chains/import",
                                "file",
                                "x.pfx",
                                Files.readAllBytes(pfx),
                                java.util.Map.of("password", "not-the-password"))
                        .json()
                        .path("detail")
                        .asText());
        assertThat(browser.driver().findElement(By.id("pfx-file-error")).getText())
                .isEmpty();
        browser.screenshot("03-wrong-pfx-password");
        browser.driver().findElement(By.id("pfx-password")).clear();
        browser.driver().findElement(By.id("pfx-password")).sendKeys("pfx-password");
        browser.driver()
                .findElement(By.cssSelector("#chain-import button[type=submit]"))
                .click();
        browser.text(By.id("private-chains"), "expires soon");

        // a generated TLS chain for a domain, and a signing chain chosen
        new Select(browser.visible(By.id("generate-purpose"))).selectByValue("TLS_SERVER");
        new Select(browser.driver().findElement(By.id("generate-domain"))).selectByValue("api-" + n + ".globex.test");
        browser.driver()
                .findElement(By.cssSelector("#chain-generate button[type=submit]"))
                .click();
        browser.text(By.id("private-chains"), "api-" + n + ".globex.test");
        browser.text(By.id("private-chains"), "TLS for api-" + n + ".globex.test (newest)"); // served without a binding
        assertThat(browser.driver().findElement(By.id("private-chains")).getText())
                .contains("TLS for " + domain + " (newest)");
        new Select(browser.visible(By.id("generate-purpose"))).selectByValue("TOKEN_SIGNING");
        assertThat(browser.driver().findElement(By.id("generate-domain-field")).isDisplayed())
                .isFalse();
        int chainsBefore = browser.driver()
                .findElements(By.cssSelector("#private-chains tr[data-chain]"))
                .size();
        browser.driver()
                .findElement(By.cssSelector("#chain-generate button[type=submit]"))
                .click();
        // the account already had a token-signing chain: wait for the list that holds the new one, not the old list
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), Duration.ofSeconds(10))
                .until(org.openqa.selenium.support.ui.ExpectedConditions.numberOfElementsToBe(
                        By.cssSelector("#private-chains tr[data-chain]"), chainsBefore + 1));
        browser.text(By.id("private-chains"), "token signing");
        // no signing chain: the console says what that means; then the new one
        new Select(browser.driver().findElement(By.id("signing-chain"))).selectByValue("");
        browser.driver()
                .findElement(By.cssSelector("#pki-settings button[type=submit]"))
                .click();
        assertThat(browser.text(By.id("signing-state"), "not issued").getText())
                .isEqualTo("API tokens are not issued while no signing chain is chosen.");
        String generated = null;
        for (var c : server.admin()
                .get("/api/v1/accounts/" + customer + "/private-chains")
                .json()
                .path("chains")) {
            if (c.path("purposes").toString().contains("TOKEN_SIGNING")
                    && c.path("origin").asText().equals("GENERATED")) {
                generated = generated == null
                                || c.path("createdAt")
                                                .asText()
                                                .compareTo(generated.split(" ")[1])
                                        > 0
                        ? c.path("id").asText() + " " + c.path("createdAt").asText()
                        : generated;
            }
        }
        String chosen = generated.split(" ")[0];
        new Select(browser.visible(By.id("signing-chain"))).selectByValue(chosen);
        browser.driver()
                .findElement(By.cssSelector("#pki-settings button[type=submit]"))
                .click();
        browser.text(By.id("signing-state"), "API tokens are signed with the chosen chain");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + customer + "/pki-settings")
                        .json()
                        .path("signingChainId")
                        .asText())
                .isEqualTo(chosen);

        // the chain in use cannot be deleted, and the console says why
        WebElement inUse = browser.visible(By.xpath("//tr[td[contains(., 'API token signing')]]"));
        WebElement delete = inUse.findElement(By.xpath(".//button[normalize-space()='Delete']"));
        assertThat(delete.isEnabled()).isFalse();
        assertThat(inUse.getText())
                .contains("In use for API token signing: choose another chain in the PKI settings first.");
        browser.screenshot("04-certificates");
    }

    @Test
    void anApiClientCreatedInTheConsoleGetsATokenWithItsSecret() throws Exception {
        String account = server.admin().createVendor("Console Tokens " + NEXT.incrementAndGet());
        String signing = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        java.util.Map.of("purpose", "TOKEN_SIGNING"))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        server.admin()
                .put("/api/v1/accounts/" + account + "/pki-settings", java.util.Map.of("signingChainId", signing))
                .assertStatus(200);
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "clients");
        browser.visible(By.id("client-name")).sendKeys("Print fleet");
        browser.driver()
                .findElement(By.cssSelector("#client-create button[type=submit]"))
                .click();
        String secret = browser.visible(By.id("client-secret")).getText();
        String clientId = browser.driver().findElement(By.id("client-id")).getText();
        browser.screenshot("05-api-client-created");
        HttpClient http = HttpClient.newBuilder()
                .sslContext(io.certdesk.pki.tls.TrustingContext.trustingOnly(
                        List.of(server.server().platformCa().root())))
                .build();
        String form = "grant_type=client_credentials&client_id=" + clientId + "&client_secret="
                + java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
        HttpResponse<String> token = http.send(
                HttpRequest.newBuilder(URI.create("https://localhost:"
                                + server.server().httpsPort() + "/api/v1/accounts/" + account + "/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        assertThat(token.body()).contains("access_token");
    }

    @Test
    void anEabCredentialMadeInTheConsoleIsShownOnceAndBindsAnAcmeClientsAccount() throws Exception {
        String account = server.admin().createVendor("Console ACME " + NEXT.incrementAndGet());
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "acme");
        String directory = "https://localhost:" + server.server().httpsPort() + "/acme/" + account + "/directory";
        browser.text(By.id("acme-directory"), directory);
        browser.visible(By.id("eab-empty"));

        browser.driver().findElement(By.id("acme-prevalidated")).click();
        WebElement limit = browser.driver().findElement(By.id("acme-orders-per-hour"));
        limit.clear();
        limit.sendKeys("40");
        browser.driver()
                .findElement(By.cssSelector("#acme-settings button[type=submit]"))
                .click();
        browser.text(By.id("toast"), "ACME settings saved.");
        var settings = server.admin()
                .get("/api/v1/accounts/" + account + "/acme/settings")
                .assertStatus(200)
                .json();
        assertThat(settings.path("domainsPrevalidated").asBoolean()).isTrue();
        assertThat(settings.path("ordersPerHour").asInt()).isEqualTo(40);

        browser.visible(By.id("eab-description")).sendKeys("Edge proxies");
        browser.driver()
                .findElement(By.cssSelector("#eab-create button[type=submit]"))
                .click();
        String kid = browser.visible(By.id("eab-kid")).getText();
        String hmac = browser.visible(By.id("eab-hmac")).getText();
        assertThat(browser.visible(By.id("eab-certbot")).getText())
                .contains("--server " + directory, "--eab-kid " + kid, "--eab-hmac-key " + hmac);
        browser.screenshot("17-acme-eab-created");

        var client = new io.certdesk.server.testing.AcmeTestClient(
                directory, server.server().platformCa().root());
        assertThat(client.register(kid, hmac).status()).isEqualTo(201);

        browser.driver().navigate().refresh(); // the list as it is now
        browser.text(By.cssSelector("#eab-list tr[data-eab='" + kid + "']"), "bound");
        assertThat(browser.driver().getPageSource())
                .as("the HMAC key is not shown again")
                .doesNotContain(hmac);
    }

    @Test
    void theDevicesTabTurnsScepOnMakesAPasswordShownOnceApprovesAHeldRequestAndRevokes() throws Exception {
        String account = server.admin().createVendor("Console SCEP " + NEXT.incrementAndGet());
        String domain = "mfp-" + NEXT.incrementAndGet() + ".scep-console.test";
        server.admin().setDomains(account, domain);
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "devices");
        browser.text(By.id("scep-url"), "/scep/" + account);
        browser.visible(By.id("scep-passwords-empty"));

        browser.driver().findElement(By.id("scep-enabled")).click();
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("scep-profile")))
                .selectByValue("TLS_SERVER_AND_CLIENT");
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("scep-foreign")))
                .selectByValue("HOLD");
        browser.driver()
                .findElement(By.cssSelector("#scep-settings button[type=submit]"))
                .click();
        browser.text(By.id("toast"), "SCEP settings saved.");
        var settings = server.admin()
                .get("/api/v1/accounts/" + account + "/scep/settings")
                .json();
        assertThat(settings.path("enabled").asBoolean()).isTrue();
        assertThat(settings.path("profile").asText()).isEqualTo("TLS_SERVER_AND_CLIENT");
        assertThat(settings.path("foreignNames").asText()).isEqualTo("HOLD");

        browser.visible(By.id("scep-password-label")).sendKeys("front desk printer");
        browser.driver()
                .findElement(By.cssSelector("#scep-password-create button[type=submit]"))
                .click();
        String password = browser.visible(By.id("scep-password")).getText();
        assertThat(password).hasSize(24);
        browser.text(By.cssSelector("#scep-passwords tbody"), "front desk printer");

        // a device asks for a name outside the account with that password: held
        java.security.KeyPair keys = io.certdesk.pki.keys.KeyPairs.generate(
                io.certdesk.pki.keys.KeyType.RSA_2048, new java.security.SecureRandom());
        String http = "http://127.0.0.1:" + server.server().httpPort().orElseThrow();
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        byte[] caCerts = client.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(http + "/scep?operation=GetCACert"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray())
                .body();
        java.security.cert.X509Certificate ra = io.certdesk.pki.testing.ScepClient.registrationAuthority(caCerts);
        var sent = io.certdesk.pki.testing.ScepClient.enrollment(
                19,
                io.certdesk.pki.testing.ScepClient.csr(
                        keys, "npi3f2a1.lan", List.of("npi3f2a1.lan"), java.util.Optional.of(password)),
                io.certdesk.pki.testing.ScepClient.selfSigned(keys, "npi3f2a1.lan"),
                keys.getPrivate(),
                ra,
                io.certdesk.pki.testing.ScepClient.transactionId(),
                io.certdesk.pki.testing.ScepClient.Options.standard());
        var held = client.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(http + "/scep/" + account + "?operation=PKIOperation"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(sent.der()))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(io.certdesk.pki.testing.ScepClient.read(held.body(), ra, keys.getPrivate())
                        .status())
                .isEqualTo("3");

        browser.driver().navigate().refresh();
        browser.text(By.cssSelector("#scep-pending tbody"), "npi3f2a1.lan");
        browser.text(By.cssSelector("#scep-passwords tbody"), "used");
        assertThat(browser.driver().getPageSource())
                .as("the password is not shown again")
                .doesNotContain(password);
        browser.screenshot("18-devices-held");
        browser.driver()
                .findElement(By.cssSelector("#scep-pending button[data-approve]"))
                .click();
        assertThat(browser.driver().switchTo().alert().getText()).contains("npi3f2a1.lan");
        browser.driver().switchTo().alert().accept();
        browser.visible(By.id("scep-pending-empty"));
        var certificates = server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .json();
        String serial = certificates.path("certificates").get(0).path("serial").asText();
        browser.text(By.cssSelector("#scep-certificates tr[data-serial='" + serial + "']"), "npi3f2a1.lan");

        browser.driver()
                .findElement(By.cssSelector("#scep-certificates button[data-revoke-serial='" + serial + "']"))
                .click();
        browser.driver().switchTo().alert().accept();
        browser.text(By.cssSelector("#scep-certificates tr[data-serial='" + serial + "']"), "revoked");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/certificates/" + serial)
                        .json()
                        .path("revocation")
                        .isMissingNode())
                .isFalse();
    }

    @Test
    void aCustomerAdminCannotReachASiblingAccountByEditingTheUrl() {
        int n = NEXT.incrementAndGet();
        String vendor = server.admin().createVendor("Console Siblings " + n);
        String mine = server.admin().createCustomer("Mine " + n, vendor);
        String sibling = server.admin().createCustomer("Sibling " + n, vendor);
        server.admin().createUser(mine, "customer-admin-" + n, "customer-password-" + n);
        signIn("customer-admin-" + n, "customer-password-" + n);
        assertThat(new Select(browser.driver().findElement(By.id("account-switcher"))).getOptions())
                .hasSize(1);
        goTo(sibling, "certificates");
        browser.text(By.cssSelector("#view .error"), "does not exist or is not visible to you");
        browser.screenshot("06-sibling-refused");
        goTo(mine, "domains");
        assertThat(browser.driver().findElements(By.id("domains-text")))
                .as("a customer admin reads its domains only")
                .isEmpty();
    }

    @Test
    void aLongListOfTrustedCasIsShownFiveHundredAtATime() throws Exception {
        String account = server.admin().createVendor("Console Paging " + NEXT.incrementAndGet());
        Instant now = Instant.now();
        for (int file = 0; file < 2; file++) {
            StringBuilder pem = new StringBuilder();
            for (int i = 0; i < (file == 0 ? 500 : 1); i++) {
                pem.append(Pem.certificate(TestCa.certificate("O=Paging,CN=Paging CA " + file + "-" + i)
                        .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                        .build()
                        .certificate()));
            }
            server.admin()
                    .upload(
                            "/api/v1/accounts/" + account + "/trusted-cas",
                            "cas.pem",
                            pem.toString().getBytes())
                    .assertStatus(201);
        }
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "certificates");
        browser.visible(By.id("trusted-cas"));
        assertThat(browser.driver().findElements(By.cssSelector("#trusted-cas tbody tr:not([hidden])")))
                .hasSize(500);
        assertThat(browser.driver().findElement(By.id("trusted-cas")).getText()).doesNotContain("Paging CA 1-0");
        browser.visible(By.id("more-cas")).click();
        browser.text(By.id("trusted-cas"), "Paging CA 1-0");
        assertThat(browser.driver().findElements(By.cssSelector("#trusted-cas tbody tr:not([hidden])")))
                .hasSize(501);
        assertThat(browser.driver().findElement(By.id("more-cas")).isDisplayed())
                .isFalse();
        browser.screenshot("14-paging");
    }

    @Test
    void aTrustedCaIsImportedWithTheKeyboardOnly() throws Exception {
        String account = server.admin().createVendor("Console Keyboard " + NEXT.incrementAndGet());
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "certificates");
        Instant now = Instant.now();
        var ca = TestCa.certificate("O=Keys,CN=Keyboard CA")
                .validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(400)))
                .build();
        Path pem = file("keyboard-ca.pem", Pem.certificate(ca.certificate()).getBytes());
        WebElement body = browser.driver().findElement(By.tagName("body"));
        body.click();
        Actions keys = new Actions(browser.driver());
        for (int i = 0;
                i < 60
                        && !"ca-file"
                                .equals(browser.driver()
                                        .switchTo()
                                        .activeElement()
                                        .getAttribute("id"));
                i++) {
            keys.sendKeys(Keys.TAB).perform();
        }
        WebElement focused = browser.driver().switchTo().activeElement();
        assertThat(focused.getAttribute("id"))
                .as("the file field is reached with Tab")
                .isEqualTo("ca-file");
        focused.sendKeys(pem.toString()); // what a keyboard user types into the file dialog
        keys.sendKeys(Keys.TAB).perform();
        assertThat(browser.driver().switchTo().activeElement().getText()).isEqualTo("Import");
        keys.sendKeys(Keys.ENTER).perform();
        browser.text(By.id("ca-import-result"), "Imported CN=Keyboard CA,O=Keys.");
        browser.screenshot("07-keyboard-import");

        // deleting asks first; dismissing keeps it, accepting removes it
        browser.driver()
                .findElement(By.cssSelector("button[aria-label='Delete CN=Keyboard CA,O=Keys']"))
                .click();
        assertThat(browser.driver().switchTo().alert().getText()).isEqualTo("Stop trusting CN=Keyboard CA,O=Keys?");
        browser.driver().switchTo().alert().dismiss();
        assertThat(browser.driver().findElement(By.id("trusted-cas")).getText()).contains("Keyboard CA");
        browser.driver()
                .findElement(By.cssSelector("button[aria-label='Delete CN=Keyboard CA,O=Keys']"))
                .click();
        browser.driver().switchTo().alert().accept();
        browser.visible(By.id("trusted-cas-empty"));
    }

    @Test
    void aGeneratedChainIsRevokedInTheConsoleWithAReasonAfterAConfirmation() throws Exception {
        int n = NEXT.incrementAndGet();
        String domain = "revoke-" + n + ".console.test";
        String account = server.admin().createVendor("Console Revoke " + n);
        server.admin().setDomains(account, domain);
        String chain = server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        java.util.Map.of("purpose", "TLS_SERVER", "domain", domain))
                .assertStatus(201)
                .json()
                .path("id")
                .asText();
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "certificates");
        browser.text(By.id("private-chains"), domain);
        new Select(browser.visible(By.id("revoke-reason-" + chain))).selectByValue("keyCompromise");
        browser.driver()
                .findElement(By.cssSelector("button[data-revoke='" + chain + "']"))
                .click();
        assertThat(browser.driver().switchTo().alert().getText()).startsWith("Revoke this chain (keyCompromise)?");
        browser.driver().switchTo().alert().dismiss();
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/private-chains/" + chain)
                        .json()
                        .path("revocation")
                        .isNull())
                .isTrue();
        browser.driver()
                .findElement(By.cssSelector("button[data-revoke='" + chain + "']"))
                .click();
        browser.driver().switchTo().alert().accept();
        browser.text(By.id("private-chains"), "revoked: keyCompromise");
        assertThat(browser.driver().findElements(By.cssSelector("button[data-revoke='" + chain + "']")))
                .isEmpty();
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/private-chains/" + chain)
                        .json()
                        .path("revocation")
                        .path("reason")
                        .asText())
                .isEqualTo("keyCompromise");
    }

    @Test
    void aRequestMadeInTheConsoleIsCompletedWithTheSignedCertificateAndADevicesCsrIsSignedAndRevoked()
            throws Exception {
        int n = NEXT.incrementAndGet();
        String domain = "request-" + n + ".console.test";
        String account = server.admin().createVendor("Console Requests " + n);
        server.admin().setDomains(account, domain);
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "certificates");
        new Select(browser.visible(By.id("request-key"))).selectByValue("RSA_2048");
        browser.driver()
                .findElement(By.cssSelector("#request-create button[type=submit]"))
                .click();
        browser.text(By.id("chain-requests"), domain);
        String requestId = browser.driver()
                .findElement(By.cssSelector("#chain-requests tr[data-request]"))
                .getAttribute("data-request");
        // the customer's CA signs the CSR the console links to
        String csr = server.admin()
                .get("/api/v1/accounts/" + account + "/private-chains/requests/" + requestId + "/csr.pem")
                .assertStatus(200)
                .text();
        var customerCa = TestCa.certificate("CN=Customer CA " + n)
                .validity(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(100)))
                .build();
        var signed = TestCa.certificate("CN=" + domain)
                .issuedBy(customerCa)
                .endEntity()
                .keyPair(new java.security.KeyPair(
                        io.certdesk.pki.request.Pkcs10.readPkcs10(csr.getBytes(StandardCharsets.US_ASCII))
                                .publicKey(),
                        null))
                .dns(domain)
                .validity(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(90)))
                .build();
        Path signedFile = file(
                "signed.pem",
                (Pem.certificate(signed.certificate()) + Pem.certificate(customerCa.certificate()))
                        .getBytes(StandardCharsets.US_ASCII));
        browser.driver().findElement(By.id("signed-" + requestId)).sendKeys(signedFile.toString());
        browser.driver()
                .findElement(By.cssSelector("button[data-complete='" + requestId + "']"))
                .click();
        browser.text(By.id("private-chains"), "requested (signed by your CA)");
        browser.visible(By.id("chain-requests-empty"));

        // a printer's own CSR, pasted
        var printer = io.certdesk.pki.keys.KeyPairs.generate(KeyType.EC_P256, new java.security.SecureRandom());
        String printerCsr = io.certdesk.pki.request.Pkcs10.writePem(
                io.certdesk.pki.request.Pkcs10.build(printer, KeyType.EC_P256, List.of(domain)));
        browser.driver().findElement(By.id("csr-text")).sendKeys(printerCsr);
        new Select(browser.driver().findElement(By.id("csr-profile"))).selectByValue("TLS_SERVER_AND_CLIENT");
        browser.driver()
                .findElement(By.cssSelector("#csr-sign button[type=submit]"))
                .click();
        browser.text(By.id("sign-result"), "Signed for " + domain);
        String serial = server.admin()
                .get("/api/v1/accounts/" + account + "/certificates")
                .json()
                .path("certificates")
                .get(0)
                .path("serial")
                .asText();
        assertThat(browser.driver().findElement(By.id("signed-chain-pem")).getAttribute("href"))
                .endsWith("/certificates/" + serial + "/chain.pem");
        // a name of another account is refused with the server's words, nothing is signed
        var other = io.certdesk.pki.keys.KeyPairs.generate(KeyType.EC_P256, new java.security.SecureRandom());
        browser.driver().findElement(By.id("csr-text")).clear();
        browser.driver()
                .findElement(By.id("csr-text"))
                .sendKeys(io.certdesk.pki.request.Pkcs10.writePem(io.certdesk.pki.request.Pkcs10.build(
                        other, KeyType.EC_P256, List.of("elsewhere.console.test"))));
        browser.driver()
                .findElement(By.cssSelector("#csr-sign button[type=submit]"))
                .click();
        browser.text(By.id("csr-sign-error"), "not among the account's domains");
        assertThat(server.admin()
                        .get("/api/v1/accounts/" + account + "/certificates")
                        .json()
                        .path("certificates"))
                .hasSize(1);
        browser.text(By.id("device-certificates"), serial);
        browser.screenshot("15-requests-and-devices");
        browser.driver()
                .findElement(By.cssSelector("button[data-revoke-serial='" + serial + "']"))
                .click();
        assertThat(browser.driver().switchTo().alert().getText()).startsWith("Revoke this device certificate");
        browser.driver().switchTo().alert().accept();
        browser.text(By.id("device-certificates"), "revoked: keyCompromise");
    }

    @Test
    void aGeneratedChainIsRenewedFromTheConsoleAndTheExpiringViewShowsWhatEndsSoon() throws Exception {
        int n = NEXT.incrementAndGet();
        String domain = "renew-" + n + ".console.test";
        String account = server.admin().createVendor("Console Renew " + n);
        server.admin().setDomains(account, domain);
        String chain = server.admin().generateTlsChain(account, domain, java.util.Map.of("validityDays", 20));
        server.admin().bindTls(account, domain, chain).assertStatus(200);
        signIn("admin", TestServer.ADMIN_PASSWORD);
        goTo(account, "certificates");
        browser.text(By.id("private-chains"), "renews by itself");
        browser.text(By.id("expiring-count"), "1");
        browser.driver()
                .findElement(By.cssSelector("button[data-renew='" + chain + "']"))
                .click();
        assertThat(browser.driver().switchTo().alert().getText()).startsWith("Renew this chain now?");
        browser.driver().switchTo().alert().accept();
        browser.text(By.id("private-chains"), "revoked as superseded from");
        String renewed = server.admin()
                .get("/api/v1/accounts/" + account + "/private-chains/" + chain)
                .json()
                .path("renewal")
                .path("renewedBy")
                .asText();
        assertThat(renewed).isNotEmpty();
        assertThat(browser.driver().findElements(By.cssSelector("button[data-renew='" + chain + "']")))
                .as("a renewed chain is not renewed again")
                .isEmpty();
        goTo(account, "expiring");
        browser.text(By.id("expiring"), "CN=" + domain);
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-expiring='" + renewed + "#0']")))
                .as("the new chain is listed, not the one it superseded")
                .hasSize(1);
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-expiring='" + chain + "#0']")))
                .isEmpty();
        browser.text(By.id("expiring"), domain); // what it serves
        browser.screenshot("14-expiring");
    }

    /** axe-core from the npm registry (the version in src/test/resources/axe/package.json), installed once. */
    private static String axe() throws Exception {
        DebianTools.require("npm");
        Path dir = Path.of("target", "axe").toAbsolutePath();
        Files.createDirectories(dir);
        try (var in = ConsoleBrowserTest.class.getResourceAsStream("/axe/package.json")) {
            Files.copy(in, dir.resolve("package.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path script = dir.resolve("node_modules/axe-core/axe.min.js");
        if (!Files.exists(script)) {
            var install = DebianTools.run(
                    dir, java.util.Map.of(), 300, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error");
            assertThat(install.exit()).as(install.output()).isZero();
        }
        return Files.readString(script);
    }

    /** The serious and critical WCAG 2 A/AA violations axe finds on the page as it is now. */
    private static String axeViolations(String axeSource) {
        browser.driver().executeScript(axeSource);
        Object found = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                        + ".then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
                        + ".map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')').join('\\n')))"
                        + ".catch(e => done('axe failed: ' + e));");
        return String.valueOf(found);
    }

    @Test
    void everyScreenPassesAnAccessibilityAuditWithoutSeriousViolations() throws Exception {
        String axe = axe();
        String account = server.admin().createVendor("Console Audit " + NEXT.incrementAndGet());
        server.admin().setDomains(account, "audit-" + NEXT.incrementAndGet() + ".acme.test");
        server.admin()
                .post(
                        "/api/v1/accounts/" + account + "/private-chains/generate",
                        java.util.Map.of("purpose", "TOKEN_SIGNING"))
                .assertStatus(201);
        browser.open(url(""));
        browser.driver().manage().deleteAllCookies();
        browser.open(url(""));
        browser.visible(By.id("username"));
        assertThat(axeViolations(axe)).as("the sign-in page").isEmpty();
        signIn("admin", TestServer.ADMIN_PASSWORD);
        for (String tab :
                List.of("certificates", "expiring", "clients", "acme", "devices", "domains", "check", "audit")) {
            goTo(account, tab);
            browser.visible(By.cssSelector("#view form, #view table, #view p"));
            assertThat(axeViolations(axe)).as(tab).isEmpty();
            browser.screenshot("13-audited-" + tab);
        }
    }

    @Test
    void aChangeWithTheCookieButWithoutTheCsrfTokenIsRefused() throws Exception {
        signIn("admin", TestServer.ADMIN_PASSWORD);
        Object status = browser.driver()
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "fetch('/api/v1/accounts', {method: 'POST', headers: {'Content-Type': 'application/json'}, credentials: 'same-origin',"
                                + " body: JSON.stringify({name: 'Forged', type: 'VENDOR'})}).then(r => r.json().then(j => done(r.status + ' ' + j.code)));");
        assertThat(status).isEqualTo("403 csrf_failed");
        assertThat(server.admin()
                        .get("/api/v1/accounts")
                        .json()
                        .path("accounts")
                        .toString())
                .as("nothing created")
                .doesNotContain("\"Forged\"");
        Object cookie = browser.driver().executeScript("return document.cookie;");
        assertThat(String.valueOf(cookie)).as("the session cookie is HttpOnly").doesNotContain("certdesk_session");

        browser.driver().findElement(By.id("sign-out")).click();
        browser.visible(By.id("username"));
        browser.screenshot("11-signed-out");
        Object after = browser.driver()
                .executeAsyncScript("const done = arguments[arguments.length - 1];"
                        + "fetch('/api/v1/auth/session', {credentials: 'same-origin'}).then(r => done(r.status));");
        assertThat(after).as("signed out: the session is over").isEqualTo(401L);
    }

    @Test
    void aVendorAdminSeesItsOwnAccountAndItsCustomersOnly() {
        int n = NEXT.incrementAndGet();
        String vendor = server.admin().createVendor("Console Vendor Admin " + n);
        server.admin().createCustomer("First customer " + n, vendor);
        server.admin().createCustomer("Second customer " + n, vendor);
        server.admin().createVendor("Another vendor " + n);
        server.admin().createUser(vendor, "vendor-admin-" + n, "vendor-password-" + n);
        signIn("vendor-admin-" + n, "vendor-password-" + n);
        List<String> options = new Select(browser.driver().findElement(By.id("account-switcher")))
                .getOptions().stream().map(WebElement::getText).toList();
        assertThat(options)
                .containsExactlyInAnyOrder(
                        "Console Vendor Admin " + n + " (vendor)",
                        "First customer " + n + " (customer)",
                        "Second customer " + n + " (customer)");
        browser.screenshot("12-vendor-switcher");
    }
}
