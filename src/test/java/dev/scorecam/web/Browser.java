package dev.scorecam.web;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Debian's chromedriver, both named by path: Selenium
 * Manager never runs, so nothing downloads a browser or a driver. Where they are not installed
 * the browser tests skip and say how to get them, except under CI ({@value #REQUIRED} set, as
 * .ci/run does), where that is a failure.
 */
final class Browser {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Set (to anything) where a missing browser must fail the build rather than skip the tests. */
    static final String REQUIRED = "SCORECAM_REQUIRE_BROWSER";

    private Browser() {}

    static ChromeDriver start(int width, int height) {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                + " (Debian: apt-get install chromium chromium-driver)";
        if (!installed && System.getenv(REQUIRED) != null) {
            fail(missing + "; " + REQUIRED + " is set, so this is a failure, not a skip");
        }
        assumeTrue(installed, missing);
        // Selenium Manager would look for (and download) a driver when none is named: name ours.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=" + width + "," + height);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
