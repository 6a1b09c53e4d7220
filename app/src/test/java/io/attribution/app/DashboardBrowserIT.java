package io.attribution.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.attribution.admin.CampaignAdmin;
import io.attribution.embedded.testkit.KafkaKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser: Debian's chromium, headless, driven through its chromedriver,
 * against a whole pipeline on the kit's broker and registry. What the page shows must be what the
 * query API answers, a postback must be found by its request id and by its click id, and values
 * anyone can send (a sub id, a txn id) must show as text, never run. The API has read tokens, as
 * one opened beyond loopback would: the page asks for one and sends it. Screenshots of a laptop and
 * a phone screen are written to {@code target/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    /** A sub id and a txn id an attacker could send: if either ran, the page's window would say so. */
    private static final String HOSTILE_SUB = "<script>window.__pwned='sub1'</script>";
    private static final String HOSTILE_TXN = "<img src=x onerror=\"window.__pwned='txn'\">";
    private static final String DASH = "\u2013";
    private static final Path TARGET = Path.of("target");
    /** An analyst's read token (scope all) of the query API. */
    private static final String TOKEN = "dashboard-analyst-token";

    @RegisterExtension
    static final KafkaKit kit = KafkaKit.shared();

    private static Pipeline pipeline;
    private static ChromeDriver browser;
    private static String clickId;
    private static String attributedRequestId;
    private static String today;
    private static long browserMillis;
    private static long chromiumStartMillis;

    @BeforeAll
    static void startPipelineAndBrowser() throws Exception {
        Path dir = Files.createTempDirectory("dashboard-it");
        Path tokens = Files.writeString(dir.resolve("query-tokens.json"), "{\"tokens\": [{\"name\": \"analysts\", "
                + "\"sha256\": \"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8))) + "\", \"scope\": \"all\"}]}");
        pipeline = Pipeline.start(PipelineSettingsOnKit.of(kit, dir.resolve("state"), "dashboard-it")
                        .with(PipelineSettings.QUERY_TOKENS_FILE, tokens.toString())
                        .with(PipelineSettings.QUERY_PEER_TOKEN, "the-instances-shared-secret"),
                EnumSet.allOf(Pipeline.Part.class), false);
        try (CampaignAdmin campaigns = new CampaignAdmin(kit.bootstrapServers(), pipeline.serdes())) {
            campaigns.put(DemoData.campaign());
        }
        URI ingest = pipeline.ingestUri().orElseThrow();
        // A click through the edge's tracking link, with a sub id that is markup.
        Http.Answer click = Http.get(URI.create(ingest.resolve("/click") + "?campaign_id=" + DemoData.CAMPAIGN_ID
                + "&affiliate_id=" + DemoData.CLICK_AFFILIATE + "&sub1=" + encode(HOSTILE_SUB)));
        assertThat(click.status()).as(click.text()).isEqualTo(302);
        clickId = click.field("click_id");
        attributedRequestId = acceptedPostback(ingest, "click_id=" + encode(clickId)
                + "&goal_value=purchase&sale_amount=49.90&currency=USD&txn_id=" + encode(HOSTILE_TXN));
        String refusedRequestId = acceptedPostback(ingest, "click_id=" + encode(clickId) + "&goal_value=no-such-goal");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(ask("/postbacks/" + attributedRequestId).field("state")).isEqualTo("ATTRIBUTED");
            assertThat(ask("/postbacks/" + refusedRequestId).field("state")).isEqualTo("REJECTED");
        });
        // The UTC day the conversion counts in, not the clock's: the test may run across midnight.
        today = Instant.parse(ask("/postbacks/" + attributedRequestId).body()
                .path("conversion").path("converted_at").asText()).atZone(ZoneOffset.UTC).toLocalDate().toString();

        long started = System.nanoTime();
        browser = startChromium();
        chromiumStartMillis = elapsedMillis(started);
    }

    /** Debian's chromium and chromedriver, as {@code .ci/run} installs them: nothing is downloaded. */
    private static ChromeDriver startChromium() throws Exception {
        for (String program : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            if (!Files.isExecutable(Path.of(program))) {
                throw new IllegalStateException(program + " is missing: apt-get install -y chromium chromium-driver"
                        + " (.ci/run installs them when missing)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--user-data-dir=" + Files.createTempDirectory("dashboard-chromium"),
                "--window-size=1366,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        System.out.println("DashboardBrowserIT: chromium started in " + chromiumStartMillis + " ms, "
                + browserMillis + " ms in the page");
    }

    @Test
    @Order(1)
    void theCampaignRowShowsTheApisNumbersOnceGivenAReadToken() {
        long started = System.nanoTime();
        open();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(browser.findElement(By.id("status")).getText()).contains("asks for a read token (401)"));
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.cssSelector("#settings button[type='submit']")).click();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode total = ask("/stats/campaigns/" + DemoData.CAMPAIGN_ID + range()).body().path("total");
            assertThat(total.path("conversions").path("APPROVED").asInt()).isEqualTo(1);
            assertThat(rowCells(By.cssSelector("tr[data-campaign='" + DemoData.CAMPAIGN_ID + "']")))
                    .isEqualTo(expectedCells(total));
        });
        browserMillis += elapsedMillis(started);
    }

    @Test
    @Order(2)
    void theCampaignDetailShowsItsChartGoalsAffiliatesAndRefusals() {
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stats = ask("/stats/campaigns/" + DemoData.CAMPAIGN_ID + range()).body();
            JsonNode purchase = ask("/stats/goals/" + DemoData.CAMPAIGN_ID + "/purchase" + range()).body().path("total");
            JsonNode affiliate = ask("/stats/affiliates/" + DemoData.CLICK_AFFILIATE + range()).body().path("total");

            assertThat(rowCells(By.cssSelector("#goal-table tr[data-goal='purchase']"))).isEqualTo(expectedCells(purchase));
            assertThat(rowCells(By.cssSelector("#affiliate-table tr[data-affiliate='" + DemoData.CLICK_AFFILIATE + "']")))
                    .isEqualTo(expectedCells(affiliate));
            int rejectedForGoal = stats.path("total").path("rejections").path("UNKNOWN_GOAL").asInt();
            assertThat(rejectedForGoal).isEqualTo(1);
            assertThat(browser.findElement(By.cssSelector("#reason-table tr[data-reason='UNKNOWN_GOAL'] td[data-field='count']"))
                    .getText()).isEqualTo(Integer.toString(rejectedForGoal));
            // The chart's conversion bars add up to the campaign's conversions, the hour's bar among them.
            int chartConversions = browser.findElements(By.cssSelector("#chart rect[data-series='conversions']")).stream()
                    .mapToInt(bar -> Integer.parseInt(bar.getAttribute("data-value"))).sum();
            assertThat(chartConversions).isEqualTo(sum(stats.path("total").path("conversions")));
            assertThat(browser.findElements(By.cssSelector("#chart rect[data-series='conversions']"))).hasSize(24);
            assertThat(browser.findElement(By.id("rejection-table")).getText()).contains("UNKNOWN_GOAL", clickId);
        });
        browserMillis += elapsedMillis(started);
    }

    @Test
    @Order(3)
    void aLookupByRequestIdShowsTheFateAndHostileValuesAsText() {
        long started = System.nanoTime();
        lookUp(attributedRequestId, "");
        WebElement result = await().atMost(Duration.ofSeconds(20)).until(
                () -> browser.findElements(By.cssSelector("#lookup-result [data-fate='ATTRIBUTED']")),
                found -> !found.isEmpty()).get(0);
        assertThat(result.getText()).isEqualTo("ATTRIBUTED");
        assertThat(fact("txn id")).isEqualTo(HOSTILE_TXN);
        assertThat(fact("status")).isEqualTo("APPROVED");
        assertThat(fact("payout")).isEqualTo("4.99 USD");
        assertThat(browser.findElement(By.cssSelector("#lookup-result td[data-param='sub1']")).getText())
                .isEqualTo(HOSTILE_SUB);
        assertThat(browser.findElement(By.cssSelector("#lookup-result td[data-param='txn_id']")).getText())
                .isEqualTo(HOSTILE_TXN);
        assertNothingRan();
        browserMillis += elapsedMillis(started);
    }

    @Test
    @Order(4)
    void aLookupByClickIdListsItsPostbacksWithTheirFates() {
        long started = System.nanoTime();
        lookUp("", clickId);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String text = browser.findElement(By.cssSelector("#lookup-result [data-click]")).getText();
            assertThat(text).contains(attributedRequestId, "ATTRIBUTED", "APPROVED", "REJECTED", "UNKNOWN_GOAL");
        });
        assertNothingRan();
        browserMillis += elapsedMillis(started);
    }

    @Test
    @Order(5)
    void thePageFitsALaptopAndAPhoneScreen() throws Exception {
        long started = System.nanoTime();
        lookUp(attributedRequestId, "");
        await().atMost(Duration.ofSeconds(20)).until(
                () -> !browser.findElements(By.cssSelector("#lookup-result [data-fate='ATTRIBUTED']")).isEmpty());
        screenshot(new Dimension(1366, 2200), "dashboard-laptop.png");

        browser.manage().window().setSize(new Dimension(390, 844));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat((Long) browser.executeScript("return window.innerWidth")).isLessThanOrEqualTo(390L));
        // Wide tables scroll inside their panel; the page itself never scrolls sideways.
        Long pageWidth = (Long) browser.executeScript("return document.documentElement.scrollWidth");
        Long viewport = (Long) browser.executeScript("return document.documentElement.clientWidth");
        assertThat(pageWidth).as("page width; elements past the screen's edge: %s", browser.executeScript(
                "return Array.from(document.querySelectorAll('body *')).filter(function (e) {"
                        + " return !e.closest('.scroll') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1; })"
                        + ".map(function (e) { return e.tagName + '#' + e.id + '.' + e.className + ' '"
                        + " + Math.round(e.getBoundingClientRect().right); }).slice(0, 8).join('; ')"))
                .isLessThanOrEqualTo(viewport);
        screenshot(new Dimension(390, 3200), "dashboard-phone.png");
        browserMillis += elapsedMillis(started);
    }

    @Test
    @Order(6)
    void thePageIsServedWithoutATokenWithAPolicyThatRefusesInlineScriptsAndOtherOrigins() throws Exception {
        URI query = pipeline.queryUri().orElseThrow();
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(query.resolve("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("dashboard/dashboard.js").doesNotContain("<script>");
        // Only the page's own files are served: anything else under it is the API's JSON 404.
        Http.Answer unknown = Http.get(query.resolve("/dashboard/missing.js"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.field("error")).isEqualTo("NOT_FOUND");
    }

    /** A question to the query API, with the analyst's token. */
    private static Http.Answer ask(String pathAndQuery) {
        return Http.get(pipeline.queryUri().orElseThrow().resolve(pathAndQuery), TOKEN);
    }

    private static void open() {
        // The banner's link, as a newcomer opens it, pinned to today so the test asks the API the same range.
        browser.get(Banner.dashboardLink(pipeline.queryUri().orElseThrow(), true) + "&from=" + today + "&to=" + today
                + "&granularity=hour&refresh=10");
    }

    private static void lookUp(String requestId, String clickId) {
        WebElement request = browser.findElement(By.id("lookup-request"));
        request.clear();
        request.sendKeys(requestId);
        WebElement click = browser.findElement(By.id("lookup-click"));
        click.clear();
        click.sendKeys(clickId);
        browser.findElement(By.cssSelector("#lookup button[type='submit']")).click();
    }

    private static String fact(String name) {
        return browser.findElement(By.cssSelector("#lookup-result dd[data-fact='" + name + "']")).getText();
    }

    private static void assertNothingRan() {
        assertThat(browser.executeScript("return window.__pwned === undefined")).isEqualTo(true);
        assertThat(browser.findElements(By.cssSelector("#lookup-result script, #lookup-result img"))).isEmpty();
    }

    private static void screenshot(Dimension size, String name) throws Exception {
        browser.manage().window().setSize(size);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), TARGET.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(TARGET.resolve(name))).isPositive();
    }

    /** The page's range: today, UTC, in hours; the page's "to" is inclusive, the API's exclusive. */
    private static String range() {
        return "?from=" + today + "&to=" + LocalDate.parse(today).plusDays(1) + "&granularity=hour";
    }

    /** A stats row's cells after its name, by their data-field. */
    private static Map<String, String> rowCells(By row) {
        Map<String, String> cells = new TreeMap<>();
        for (WebElement cell : browser.findElement(row).findElements(By.cssSelector("td[data-field]"))) {
            String field = cell.getAttribute("data-field");
            if (!field.equals("campaign") && !field.equals("id")) {
                cells.put(field, cell.getText());
            }
        }
        return cells;
    }

    /** What the page must show for a stats total of the API, formatted as the page formats it. */
    private static Map<String, String> expectedCells(JsonNode total) {
        Map<String, String> cells = new TreeMap<>();
        cells.put("clicks", optional(total.get("clicks")));
        for (String status : List.of("APPROVED", "PENDING", "REJECTED", "CANCELLED")) {
            cells.put(status.toLowerCase(), Integer.toString(total.path("conversions").path(status).asInt(0)));
        }
        cells.put("postbacks", total.path("postbacks_received").asText());
        cells.put("rejections", Integer.toString(sum(total.path("rejections"))));
        cells.put("revenue", amounts(total.path("revenue")));
        cells.put("payout", amounts(total.path("payout")));
        JsonNode rate = total.get("conversion_rate");
        cells.put("conversion_rate", rate == null || rate.isNull() ? DASH
                : new BigDecimal(rate.asText()).movePointRight(2).stripTrailingZeros().toPlainString() + " %");
        cells.put("epc", optional(total.get("epc")));
        return cells;
    }

    private static String optional(JsonNode value) {
        if (value == null || value.isNull()) {
            return DASH;
        }
        return value.isObject() ? amounts(value) : value.asText();
    }

    private static String amounts(JsonNode byCurrency) {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(toMap(byCurrency)).forEach((currency, amount) -> parts.add(amount + " " + currency));
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    private static Map<String, String> toMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            map.put(field.getKey(), field.getValue().asText());
        }
        return map;
    }

    private static int sum(JsonNode counts) {
        int sum = 0;
        for (JsonNode count : counts) {
            sum += count.asInt();
        }
        return sum;
    }

    private static String acceptedPostback(URI ingest, String query) {
        Http.Answer answer = Http.get(URI.create(ingest.resolve("/postback") + "?" + query));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        return answer.field("request_id");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
