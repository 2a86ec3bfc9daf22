package dev.scorecam.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.client.RestClient;

import dev.scorecam.Multipart;
import dev.scorecam.ServerTest;
import dev.scorecam.SlowDevice;

/**
 * The page at {@code /} in a real (headless) Chromium against the whole service: a sample is
 * explained with its partial maps and progress, a file that is no image gets the server's
 * problem in words, and a running job can be cancelled. Forward passes are slowed down
 * ({@link SlowDevice}) so that a job runs long enough to be seen and cancelled. Also writes the
 * screenshots docs/images holds (target/screenshots/).
 */
@ServerTest
@Import(SlowDevice.class)
@TestPropertySource(properties = "scorecam.queue.capacity=1") // one job waiting fills the queue
class WebPageTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    @LocalServerPort
    int port;

    ChromeDriver driver;

    @AfterEach
    void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    private ChromeDriver open(int width, int height) {
        driver = Browser.start(width, height);
        driver.get("http://localhost:" + port + "/");
        until(d -> "true".equals(d.findElement(By.tagName("body")).getDomAttribute("data-ready")));
        return driver;
    }

    private void until(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, WAIT).until(condition);
    }

    private WebElement byId(String id) {
        return driver.findElement(By.id(id));
    }

    private void upload(Path file) {
        byId("file").sendKeys(file.toAbsolutePath().toString());
    }

    private String status() {
        return byId("status-text").getText();
    }

    @Test
    void aSampleIsExplainedWithItsPartialMapsProgressAndTopClass() throws IOException {
        open(1280, 1040);
        upload(Path.of("samples/sneaker.png"));

        until(d -> status().equals("Done."));

        assertThat(byId("progress").getDomProperty("value")).isEqualTo("1");
        assertThat(byId("predictions").findElements(By.tagName("li"))).hasSize(5);
        assertThat(byId("predictions").findElement(By.cssSelector("li .label")).getText()).isEqualTo("Sneaker");
        assertThat(byId("explained-label").getText()).contains("Sneaker");
        assertThat(new org.openqa.selenium.support.ui.Select(byId("target")).getFirstSelectedOption().getText())
                .startsWith("Sneaker");
        // Progressive by default: the map was drawn after each batch, not only at the end.
        assertThat(Integer.parseInt(byId("map").getDomAttribute("data-partials"))).isGreaterThanOrEqualTo(2);
        double differing = differingPixels("original", "overlay");
        assertThat(differing).as("share of overlay pixels that differ from the original").isGreaterThan(0.5);

        // The opacity slider redraws in the browser: at 0 the overlay is the original.
        ((JavascriptExecutor) driver).executeScript(
                "const s = document.getElementById('opacity'); s.value = 0; s.dispatchEvent(new Event('input'));");
        assertThat(differingPixels("original", "overlay")).isZero();
        ((JavascriptExecutor) driver).executeScript(
                "const s = document.getElementById('opacity'); s.value = 50; s.dispatchEvent(new Event('input'));");

        // The browser draws what the server's renderer draws: its overlay PNG of the same job, same
        // colormap (jet) and opacity (0.5), at the same size for this 96x96 sample. Up to 2 levels
        // apart per channel allowed for float against double rounding of the colour index and the blend;
        // measured: identical.
        assertThat(maxDifferenceFromTheServersOverlay()).isBetween(0L, 2L);

        assertThat(byId("download-npy").isEnabled()).isTrue();
        assertThat(byId("copy-curl").isEnabled()).isTrue();
        assertThat(byId("curl").getDomProperty("value"))
                .contains("image=@sneaker.png", "/v1/models/fashion-cnn/explanations", "Accept: image/png");
        screenshot("page-desktop.png");
    }

    /**
     * With the metrics switch on, the page draws the answer's deletion and insertion curves, one
     * point per step (21 at the default 20 steps), and writes their AUCs as the answer gives them.
     */
    @Test
    void theMetricsSwitchDrawsTheDeletionAndInsertionCurvesWithTheirAucs() throws IOException {
        open(1280, 1400);
        byId("metrics").click();
        upload(Path.of("samples/sneaker.png"));
        until(d -> status().equals("Done."));

        assertThat(byId("curves-figure").isDisplayed()).isTrue();
        List<WebElement> curves = byId("curves").findElements(By.tagName("polyline"));
        assertThat(curves).extracting(c -> c.getDomAttribute("data-curve")).containsExactly("deletion", "insertion");
        for (WebElement curve : curves) {
            assertThat(curve.getDomAttribute("points").trim().split("\\s+")).hasSize(21);
        }
        // Drawn, not only written: the two lines cover part of the figure's area.
        Object drawn = ((JavascriptExecutor) driver).executeScript("""
                return [...document.querySelectorAll('#curves polyline')].map(l => l.getBBox().width * l.getBBox().height);""");
        assertThat((List<?>) drawn).allSatisfy(area -> assertThat(((Number) area).doubleValue()).isGreaterThan(100));
        Object answer = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const job = document.getElementById('download-npy').dataset.job;
                fetch(`/v1/jobs/${job}/result`, { headers: { Accept: 'application/json' } }).then((r) => r.json())
                  .then((r) => { const f = r.explanations[0].faithfulness;
                    done([f.deletion.toFixed(3), f.insertion.toFixed(3)]); }).catch((e) => done(String(e)));""");
        assertThat(answer).isInstanceOf(List.class);
        List<?> aucs = (List<?>) answer;
        assertThat(byId("curves-caption").getText())
                .contains("Deletion (red) AUC " + aucs.get(0), "Insertion (blue) AUC " + aucs.get(1));
        // X once, then X masked by the map and 20 deletion and 20 insertion images
        assertThat(byId("stats").getText()).contains("Faithfulness: 42 more passes");
        // The curl command asks for a PNG, which has nowhere to show metrics: it does not ask for them.
        assertThat(byId("curl").getDomProperty("value")).doesNotContain("metrics");
        screenshot("page-metrics.png");
    }

    @Test
    void withoutTheMetricsSwitchNoCurvesAreShown() {
        open(1280, 1040);
        upload(Path.of("samples/sneaker.png"));
        until(d -> status().equals("Done."));

        assertThat(byId("curves-figure").isDisplayed()).isFalse();
        assertThat(byId("curves").findElements(By.tagName("polyline"))).isEmpty();
    }

    /** Counted in the browser: its requests to submit a job, as the page's resource timings list them. */
    private long jobsSubmitted() {
        return (Long) ((JavascriptExecutor) driver).executeScript(
                "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/v1/jobs')).length;");
    }

    @Test
    void aTargetToggledBackIsShownAgainWithoutAskingTheServer() {
        open(1280, 1040);
        upload(Path.of("samples/sneaker.png"));
        until(d -> status().equals("Done."));
        org.openqa.selenium.support.ui.Select target = new org.openqa.selenium.support.ui.Select(byId("target"));
        String top = target.getFirstSelectedOption().getDomAttribute("value");
        String sneakerMap = byId("stats").getText();

        target.selectByValue("5");
        until(d -> status().equals("Done.") && byId("explained-label").getText().contains("class 5"));
        long submitted = jobsSubmitted();
        target.selectByValue(top);
        until(d -> status().startsWith("Done (shown again"));

        assertThat(submitted).isEqualTo(2);
        assertThat(jobsSubmitted()).isEqualTo(submitted);
        assertThat(byId("explained-label").getText()).contains("class " + top);
        assertThat(byId("stats").getText()).isEqualTo(sneakerMap);
        target.selectByValue("5");
        until(d -> byId("explained-label").getText().contains("class 5"));
        assertThat(jobsSubmitted()).isEqualTo(submitted);
    }

    @Test
    void aPhoneWidthScreenShowsTheSameWithoutSidewaysScrolling() throws IOException {
        open(390, 1960);
        upload(Path.of("samples/ankle-boot.png"));
        until(d -> status().equals("Done."));

        long scrollWidth = (Long) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.scrollWidth;");
        long clientWidth = (Long) ((JavascriptExecutor) driver).executeScript(
                "return document.documentElement.clientWidth;");
        assertThat(scrollWidth).isLessThanOrEqualTo(clientWidth);
        assertThat(byId("explained-label").getText()).contains("Ankle boot");
        screenshot("page-phone.png");
    }

    @Test
    void aFileThatIsNoImageShowsTheProblemInWords(@TempDir Path dir) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not an image\n", StandardCharsets.UTF_8);
        open(1280, 1000);
        upload(notes);

        new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
        assertThat(byId("problem").getText())
                .contains("not an image this server can read")
                .contains("The content is not a supported image; send PNG, JPEG, GIF, BMP, WebP or TIFF.");
        assertThat(status()).isEqualTo("Not explained.");
    }

    @Test
    void anUploadOverTheLimitShowsTheProblemInWords(@TempDir Path dir) throws IOException {
        byte[] large = new byte[400 * 1024]; // over @ServerTest's 300 KB upload limit
        new java.util.Random(1).nextBytes(large);
        Path file = Files.write(dir.resolve("large.png"), large);
        open(1280, 1000);
        upload(file);

        new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
        assertThat(byId("problem").getText()).contains("That file is too large to upload.");
        assertThat(status()).isEqualTo("Not explained.");
    }

    @Test
    void everyControlHasALabel() {
        open(1280, 1000);
        driver.findElement(By.cssSelector("details.advanced summary")).click();
        Object unlabelled = ((JavascriptExecutor) driver).executeScript("""
                return [...document.querySelectorAll('input, select, textarea, button')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                    && !(el.tagName === 'BUTTON' && el.textContent.trim()))
                  .map(el => el.id || el.outerHTML);""");
        assertThat((List<?>) unlabelled).isEmpty();
    }

    @Test
    void aFullQueueIsShownWithACountdown() throws IOException {
        // One job running and one waiting (65 slowed batches each) fill the queue of one.
        String running = submitSlowJob();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> RestClient.create("http://localhost:" + port)
                .get().uri("/v1/jobs/{id}", running).retrieve().body(String.class).contains("\"status\":\"RUNNING\""));
        List<String> jobs = List.of(running, submitSlowJob());
        try {
            open(1280, 1000);
            upload(Path.of("samples/dress.png"));

            new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
            assertThat(byId("problem").getText())
                    .contains("The server is busy: this model's queue is full.")
                    .containsPattern("Try again in \\d+ s\\.");
            assertThat(byId("explain").isEnabled()).as("Explain waits for the countdown").isFalse();
        } finally {
            jobs.forEach(id -> RestClient.create("http://localhost:" + port).delete().uri("/v1/jobs/{id}", id)
                    .retrieve().toBodilessEntity());
        }
    }

    private String submitSlowJob() throws IOException {
        byte[] body = Multipart.image(Files.readAllBytes(Path.of("samples/bag.png")), MediaType.IMAGE_PNG_VALUE)
                .field("model", "fashion-cnn").field("batch-size", "1").build();
        String job = RestClient.create("http://localhost:" + port).post().uri("/v1/jobs")
                .contentType(MediaType.parseMediaType(Multipart.contentType())).body(body)
                .retrieve().body(String.class);
        return job.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void aRunningJobCanBeCancelled() {
        open(1280, 1000);
        driver.findElement(By.cssSelector("details.advanced summary")).click();
        byId("batch-size").sendKeys("1"); // 65 batches of one slowed-down pass each: seconds to cancel in
        upload(Path.of("samples/bag.png"));

        until(d -> status().startsWith("Running:"));
        byId("cancel").click();

        until(d -> status().equals("Cancelled."));
        assertThat(byId("cancel").isEnabled()).isFalse();
        assertThat(byId("explain").isEnabled()).isTrue();
        assertThat(byId("problem").isDisplayed()).isFalse();
    }

    /**
     * A detector's image: its boxes drawn on the original and listed, the best explained first, by
     * Recipro-CAM unless the user picked a method; clicking another in the list, or on the image
     * inside its box, explains that one.
     */
    @Test
    void aDetectorsBoxesAreShownAndClickingOneExplainsIt() throws IOException {
        open(1280, 1040);
        new org.openqa.selenium.support.ui.Select(byId("model")).selectByValue("fashion-detector");
        upload(Path.of("src/test/resources/detector/two-garments.png"));

        until(d -> status().equals("Done.") && byId("explained-label").getText().contains("(detection 0)"));
        assertThat(byId("method").getDomProperty("value")).as("a detector's first method").isEqualTo("recipro-cam");
        assertThat(byId("stats").getText()).contains("and 256 head passes");   // 16 x 16 cells
        List<WebElement> found = byId("detections").findElements(By.tagName("button"));
        assertThat(found).hasSizeGreaterThanOrEqualTo(2);
        assertThat(byId("predictions-heading").getText()).isEqualTo("Detections");
        assertThat(found.get(0).getDomAttribute("aria-pressed")).isEqualTo("true");
        assertThat(differingPixels("original", "overlay")).as("the map drawn over the image").isGreaterThan(0.5);

        WebElement second = found.get(1);
        String label = second.getText().replaceAll("^1: ", "").replaceAll("\\s+\\d+(\\.\\d+)?%$", "");
        second.click();
        until(d -> status().equals("Done.") && byId("explained-label").getText().contains("(detection 1)"));
        assertThat(byId("explained-label").getText()).contains(label);
        assertThat(byId("detections").findElement(By.cssSelector("button[aria-pressed='true']"))
                .getDomAttribute("data-detection")).isEqualTo("1");
        assertThat(byId("curl").getDomProperty("value")).contains("detection=1", "/v1/models/fashion-detector/",
                "method=recipro-cam");

        // A click on the image inside detection 0's box (the smallest box there) explains it again.
        ((JavascriptExecutor) driver).executeScript("""
                const canvas = document.getElementById('original');
                const r = canvas.getBoundingClientRect();
                const button = document.querySelector('#detections button[data-detection="0"]');
                const box = JSON.parse(button.dataset.box);
                const x = r.left + (box.x0 + box.x1) / 2 / 128 * r.width;
                const y = r.top + (box.y0 + box.y1) / 2 / 128 * r.height;
                canvas.dispatchEvent(new MouseEvent('click', { clientX: x, clientY: y, bubbles: true }));""");
        // detection 0 was explained already: the page shows what it kept instead of asking again
        until(d -> status().equals("Done (shown again, not asked again).")
                && byId("explained-label").getText().contains("(detection 0)"));
        screenshot("page-detector.png");

        // Back on the classifier, Score-CAM again; a method the user picks stays across models.
        new org.openqa.selenium.support.ui.Select(byId("model")).selectByValue("fashion-cnn");
        assertThat(byId("method").getDomProperty("value")).isEqualTo("scorecam");
        new org.openqa.selenium.support.ui.Select(byId("method")).selectByValue("eigencam");
        new org.openqa.selenium.support.ui.Select(byId("model")).selectByValue("fashion-detector");
        assertThat(byId("method").getDomProperty("value")).isEqualTo("eigencam");
    }

    /** Largest per-channel difference between the overlay canvas and the server's PNG of the same job; -1 if sizes differ. */
    private long maxDifferenceFromTheServersOverlay() {
        Object difference = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const overlay = document.getElementById('overlay');
                const job = document.getElementById('download-npy').dataset.job;
                fetch(`/v1/jobs/${job}/result?colormap=jet&alpha=0.5`, { headers: { Accept: 'image/png' } })
                  .then((r) => r.blob()).then((b) => createImageBitmap(b)).then((png) => {
                    if (png.width !== overlay.width || png.height !== overlay.height) return done(-1);
                    const c = new OffscreenCanvas(png.width, png.height).getContext('2d');
                    c.drawImage(png, 0, 0);
                    const server = c.getImageData(0, 0, png.width, png.height).data;
                    const page = overlay.getContext('2d').getImageData(0, 0, png.width, png.height).data;
                    let max = 0;
                    for (let i = 0; i < page.length; i++) if (i % 4 !== 3) max = Math.max(max, Math.abs(page[i] - server[i]));
                    done(max);
                  }).catch((e) => done(String(e)));""");
        assertThat(difference).isInstanceOf(Number.class);
        return ((Number) difference).longValue();
    }

    /** The share of pixels where two same-sized canvases differ. */
    private double differingPixels(String a, String b) {
        Object share = ((JavascriptExecutor) driver).executeScript("""
                const pixels = (id) => { const c = document.getElementById(id);
                  return c.getContext('2d').getImageData(0, 0, c.width, c.height).data; };
                const x = pixels(arguments[0]), y = pixels(arguments[1]);
                if (x.length !== y.length || x.length === 0) return -1;
                let differing = 0;
                for (let i = 0; i < x.length; i += 4) {
                  if (x[i] !== y[i] || x[i + 1] !== y[i + 1] || x[i + 2] !== y[i + 2]) differing++;
                }
                return differing / (x.length / 4);""", a, b);
        double value = ((Number) share).doubleValue();
        assertThat(value).as("both canvases drawn, at the same size").isNotNegative();
        return value;
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }
}
