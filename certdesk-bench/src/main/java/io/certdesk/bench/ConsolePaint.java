package io.certdesk.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How fast the console shows up in Debian's headless Chromium: for N fresh loads of the sign-in
 * page, its first contentful paint; for N fresh loads of an account's Certificates tab (signed
 * in), the time from navigation to the tab rendered with its data (the page marks
 * {@code certdesk:certificates}). The browser's cache is disabled for every load.
 * Usage: {@code java -cp benchmarks.jar io.certdesk.bench.ConsolePaint URL USER PASSWORD ACCOUNT_ID N SPKI_SHA256_BASE64}.
 */
public final class ConsolePaint {
    private ConsolePaint() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        String account = args[3];
        int n = Integer.parseInt(args[4]);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1366,900",
                "--user-data-dir=" + Files.createTempDirectory("paint-profile"),
                "--ignore-certificate-errors-spki-list=" + args[5]);
        ChromeDriver driver = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        try {
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
            List<Double> signInPaint = new ArrayList<>();
            for (int i = 0; i < n + 3; i++) {
                driver.get("about:blank");
                driver.get(url + "/");
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
                Object fcp = driver.executeScript(
                        "const e = performance.getEntriesByName('first-contentful-paint'); return e.length ? e[0].startTime : null;");
                if (i >= 3 && fcp != null) { // the first loads warm the server's JIT
                    signInPaint.add(((Number) fcp).doubleValue());
                }
            }
            driver.findElement(By.id("username")).sendKeys(user);
            driver.findElement(By.id("password")).sendKeys(password, Keys.ENTER);
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), user));
            List<Double> certificates = new ArrayList<>();
            for (int i = 0; i < n + 3; i++) {
                driver.get("about:blank");
                driver.get(url + "/#/a/" + account + "/certificates");
                wait.until(d -> ((Number) driver.executeScript(
                                        "return performance.getEntriesByName('certdesk:certificates').length;"))
                                .intValue()
                        > 0);
                double ready = ((Number) driver.executeScript(
                                "return performance.getEntriesByName('certdesk:certificates')[0].startTime;"))
                        .doubleValue();
                if (i >= 3) {
                    certificates.add(ready);
                }
            }
            System.out.printf("sign-in page, first contentful paint: %s%n", summary(signInPaint));
            System.out.printf("Certificates tab rendered with its data (signed in): %s%n", summary(certificates));
        } finally {
            driver.quit();
        }
    }

    private static String summary(List<Double> ms) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return String.format(
                "n=%d p50 %.0f ms, p95 %.0f ms, max %.0f ms",
                sorted.size(),
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.95) - 1)),
                sorted.get(sorted.size() - 1));
    }
}
