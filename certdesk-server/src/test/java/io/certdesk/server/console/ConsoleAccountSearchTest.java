package io.certdesk.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.certdesk.server.testing.Browser;
import io.certdesk.server.testing.FreshServerOnBothDatabases;
import io.certdesk.server.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A platform with more accounts than the console's switcher holds (its first page, 500): the
 * admin finds the others by name, in Debian's headless Chromium. A server of its own, so its
 * accounts crowd no other test's switcher.
 */
class ConsoleAccountSearchTest extends FreshServerOnBothDatabases {

    @Test
    void anAccountBeyondTheSwitchersPageIsFoundByPartOfItsNameAndStaysChosenWhenTheSearchIsCleared() {
        server = TestServer.start(database);
        for (int i = server.admin().allAccounts(500).size(); i <= 500; i++) {
            server.admin().createVendor("Filler " + i);
        }
        String needle = server.admin().createVendor("Needle Printing Works");
        String kiosks = server.admin().createCustomer("Needle Kiosks", needle);

        try (Browser browser = Browser.start(server.server().platformCa().root())) {
            browser.open("https://localhost:" + server.server().httpsPort() + "/");
            browser.visible(By.id("username")).sendKeys("admin");
            browser.driver().findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD, Keys.ENTER);
            browser.visible(By.cssSelector("#view h1"));
            Select switcher = new Select(browser.driver().findElement(By.id("account-switcher")));
            assertThat(choices(browser)).hasSize(500).doesNotContain(needle);

            browser.visible(By.id("account-search")).sendKeys("needle PRINTING");
            WebDriverWait wait = new WebDriverWait(browser.driver(), Duration.ofSeconds(10));
            // the accounts found, and the one shown now kept first
            wait.until(d -> choices(browser).contains(needle));
            assertThat(choices(browser)).hasSize(2);
            switcher.selectByValue(needle);
            browser.text(By.cssSelector("#view h1"), "Needle Printing Works");
            browser.screenshot("search-01-account-found");

            // the search cleared: the first page again, with the account shown kept in it
            browser.driver().findElement(By.id("account-search")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
            wait.until(d -> choices(browser).size() == 501);
            assertThat(switcher.getFirstSelectedOption().getAttribute("value")).isEqualTo(needle);

            // a link to an account beyond the page shows it too
            browser.open("https://localhost:" + server.server().httpsPort() + "/#/a/" + kiosks + "/certificates");
            browser.text(By.cssSelector("#view h1"), "Needle Kiosks");
            assertThat(switcher.getFirstSelectedOption().getAttribute("value")).isEqualTo(kiosks);
        }
    }

    /** The switcher's account ids, read in one go (its options are replaced as the search answers). */
    @SuppressWarnings("unchecked")
    private static List<String> choices(Browser browser) {
        return (List<String>) browser.driver()
                .executeScript("return [...document.getElementById('account-switcher').options].map(o => o.value)");
    }
}
