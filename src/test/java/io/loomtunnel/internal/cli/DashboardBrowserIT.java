package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's chromium, headless, through /usr/bin/chromedriver;
 * docs/TESTING.md, "Browser tests"): one server and one client process with an HTTP tunnel to a
 * small local app, reused by every case in order. The page loads with a clean console, requests
 * made with curl show up live in the inspector, replay reaches the app again, tunnels open and
 * close from the page, captured markup stays text, and another origin's form cannot open a
 * tunnel. Screenshots of each view go to target/dashboard/.
 *
 * <p>Skipped without chromium and chromedriver unless {@value #REQUIRED_ENV}=1 (scripts/test as root).
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {
    static final String REQUIRED_ENV = "LOOMTUNNEL_BROWSER_REQUIRED";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SHOTS = Path.of("target", "dashboard");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<AutoCloseable> running = new ArrayList<>();
    /** Requests the local app received, by path and query. */
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    @TempDir
    static Path dir;
    private int httpPort;
    private int echoPort;
    private String clientAdmin;
    private String serverAdmin;
    private JarProcess client;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    @Timeout(300)
    void startServerClientAppAndBrowser() throws Exception {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM + " is missing"
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER + " is missing" : null;
        if (missing != null) {
            if ("1".equals(System.getenv(REQUIRED_ENV))) {
                fail("browser tests required (" + REQUIRED_ENV + "=1) but " + missing + " (apt-get install chromium chromium-driver)");
            }
            Assumptions.abort("no browser here: " + missing + " (scripts/test installs chromium as root)");
        }
        Files.createDirectories(SHOTS);
        HttpServer app = countingApp();
        running.add(() -> app.stop(0));
        int[] echo = new int[1];
        Closeable echoService = EchoServers.tcp(echo);
        running.add(echoService);
        echoPort = echo[0];
        ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost",
                "--admin-bind", "127.0.0.1:0");
        running.add(server);
        httpPort = Integer.parseInt(server.process().await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        serverAdmin = server.process().await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
        client = ReverseTunnelIT.client(dir, server, "--http", "web:127.0.0.1:" + app.getAddress().getPort(),
                "--admin-bind", "127.0.0.1:0");
        running.add(client);
        clientAdmin = client.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
        client.await("http\\s+web\\s+http://web\\.localhost:" + httpPort, START);
        // A fresh tunnel's first request can take long on a loaded machine (two JVMs warming up): not what these cases check.
        Probes.eventually(Duration.ofSeconds(150), "the tunnel answered a first request", () -> "200".equals(
                curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: web.localhost", "http://127.0.0.1:" + httpPort + "/warm-up")));
        // Chromium only once the processes run: started alongside, it slows their start on a busy machine.
        browser = chromium();
        running.add(browser::quit);
        wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class); // views redraw their lists as data comes
    }

    @AfterAll
    void stopAll() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @Test
    @Order(1)
    void pageLoadsWithItsViewsAndAQuietConsole() throws Exception {
        browser.get(clientAdmin + "/");
        wait.until(ExpectedConditions.textToBe(By.id("role"), "client"));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        wait.until(d -> !d.findElements(By.cssSelector("#overview-sessions tr[data-session]")).isEmpty());
        assertTrue(text("overview-sessions").contains("http://web.localhost:" + httpPort), text("overview-sessions"));
        for (String view : List.of("tunnels", "inspector", "peers", "logs", "overview")) {
            browser.findElement(By.cssSelector("#nav a[data-view=" + view + "]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + view)));
        }
        Thread.sleep(1_500); // the charts' first history and the stream's first events
        screenshot("overview");
        List<String> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::toString).toList();
        assertEquals(List.of(), problems, "the browser's console stays clean (CSP, scripts, requests)");
    }

    @Test
    @Order(2)
    void requestMadeWithCurlShowsUpLiveWithItsHeaders() throws Exception {
        openView("inspector");
        js("window.__sameDocument = 'yes';");
        assertEquals("200", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: web.localhost",
                "-H", "X-Probe: dashboard-42", "http://127.0.0.1:" + httpPort + "/hello?x=1"));
        By row = rowFor("/hello?x=1");
        assertEquals("yes", js("return window.__sameDocument;"), "the row came without a reload");
        click(row);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("request-detail"), "dashboard-42"));
        String detail = text("request-detail");
        assertTrue(detail.contains("X-Probe") && detail.contains("GET /hello?x=1 HTTP/1.1"), detail);
        assertTrue(detail.contains("app saw GET /hello?x=1"), "the response body: " + detail);
        screenshot("inspector");
    }

    @Test
    @Order(3)
    void replayAsIsAndWithEditsReachTheLocalAppAgain() throws Exception {
        openView("inspector");
        click(rowFor("/hello?x=1"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("request-detail"), "dashboard-42"));
        int before = hits("/hello?x=1");
        click(By.id("replay"));
        Probes.eventually(WAIT, "the app received the replay", () -> hits("/hello?x=1") == before + 1);
        wait.until(d -> !d.findElements(By.cssSelector("#request-rows tr .tag.replay")).isEmpty());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("request-detail"), "replay of "));

        click(By.id("replay-edit"));
        WebElement path = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-path")));
        path.clear();
        path.sendKeys("/edited?by=page");
        WebElement method = browser.findElement(By.id("edit-method"));
        method.clear();
        method.sendKeys("POST");
        WebElement body = browser.findElement(By.id("edit-body"));
        body.clear();
        body.sendKeys("{\"edited\":true}");
        browser.findElement(By.id("edit-send")).click();
        Probes.eventually(WAIT, "the app received the edited replay", () -> hits("/edited?by=page") == 1);
        rowFor("/edited?by=page");
        screenshot("inspector-replay");
    }

    @Test
    @Order(4)
    void capturedMarkupIsShownAsTextAndNeverRuns() throws Exception {
        openView("inspector");
        String script = "<script>window.__xss = 'script ran'</script>";
        String img = "<img src=x onerror=\"window.__xss = 'img ran'\">";
        assertEquals("200", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: web.localhost",
                "-H", "X-Script: " + script, "-H", "X-Img: " + img, "-H", "Content-Type: text/html",
                "--data-binary", img + script, "http://127.0.0.1:" + httpPort + "/xss"));
        click(rowFor("/xss"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("request-detail"), "X-Script"));
        Thread.sleep(500); // an onerror would have fired by now
        String detail = text("request-detail");
        assertTrue(detail.contains(script), "the script tag shows as text: " + detail);
        assertTrue(detail.contains(img), "the img tag shows as text: " + detail);
        assertNull(js("return window.__xss;"), "no captured markup ran");
        assertTrue(browser.findElements(By.cssSelector("#request-detail img, #request-detail script")).isEmpty(),
                "no element made from captured data");
    }

    @Test
    @Order(5)
    void tunnelOpenedAndClosedFromThePage() throws Exception {
        openView("tunnels");
        new Select(browser.findElement(By.id("open-type"))).selectByValue("tcp");
        WebElement spec = browser.findElement(By.id("open-spec"));
        spec.sendKeys("not a spec");
        browser.findElement(By.id("open-submit")).click();
        String error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("open-error"))).getText();
        assertFalse(error.isBlank());
        assertFalse(error.contains("\n") || error.contains("Exception"), error);

        spec.clear();
        spec.sendKeys("echo=0:127.0.0.1:" + echoPort);
        browser.findElement(By.id("open-submit")).click();
        // The list is drawn anew on each change: read the row's text in one go.
        String row = wait.until(d -> d.findElements(By.cssSelector("#tunnel-list tr[data-tunnel=echo]")).stream()
                .map(WebElement::getText).findFirst().orElse(null));
        assertFalse(browser.findElement(By.id("open-error")).isDisplayed(), "the error went with the good spec");
        Matcher address = Pattern.compile("localhost:(\\d+)").matcher(row);
        assertTrue(address.find(), row);
        int port = Integer.parseInt(address.group(1));
        byte[] data = "through a tunnel the page opened".getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(data, StandardCharsets.UTF_8), new String(Probes.roundTrip(port, data), StandardCharsets.UTF_8));
        screenshot("tunnels");

        click(By.cssSelector("#tunnel-list button[data-close=echo]"));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#tunnel-list tr[data-tunnel=echo]"), 0));
        Probes.eventually(START, () -> "closing freed the server's port " + port, () -> {
            try (ServerSocket free = new ServerSocket(port, 1, LOOPBACK)) {
                return true;
            }
        });
        assertFalse(tunnelNames().contains("echo"));
    }

    @Test
    @Order(6)
    void anotherOriginsFormCannotOpenATunnel() throws Exception {
        String form = "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\">"
                + "<form method=\"POST\" action=\"" + clientAdmin + "/api/tunnels\" enctype=\"text/plain\">"
                + "<input name='{\"type\":\"tcp\",\"spec\":\"csrf=0:127.0.0.1:" + echoPort + "\",\"x\":\"' value='\"}'>"
                + "</form></body></html>";
        HttpServer attacker = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        attacker.createContext("/", x -> {
            byte[] page = form.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, page.length);
            x.getResponseBody().write(page);
            x.close();
        });
        attacker.start();
        try {
            browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
            wait.until(ExpectedConditions.urlContains(clientAdmin + "/api/tunnels"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "cross-site"));
        } finally {
            attacker.stop(0);
        }
        assertFalse(tunnelNames().contains("csrf"), "the forged form opened nothing");
    }

    @Test
    @Order(7)
    void peersLogsAndDarkViews() throws Exception {
        openView("peers");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("identity"), "client"));
        screenshot("peers");
        openView("logs");
        wait.until(d -> !d.findElements(By.cssSelector("#log-lines li[data-level]")).isEmpty());
        screenshot("logs");
        // Dark, as a system set so shows it (prefers-color-scheme).
        ((ChromeDriver) browser).executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        openView("inspector");
        click(rowFor("/hello?x=1"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("request-detail"), "dashboard-42"));
        screenshot("inspector-dark");
        ((ChromeDriver) browser).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    /** The server's own dashboard lists the client with its tunnel; its kick button ends the session and the client comes back. */
    @Test
    @Order(8)
    void serverOverviewKicksAClient() throws Exception {
        browser.get(serverAdmin + "/");
        wait.until(ExpectedConditions.textToBe(By.id("role"), "server"));
        assertTrue(browser.findElement(By.cssSelector("#nav a[data-view=inspector]")).getAttribute("hidden") != null,
                "a server has no inspector");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#overview-sessions button[data-kick]")));
        assertTrue(text("overview-sessions").contains("web"), text("overview-sessions"));
        screenshot("server");
        click(By.cssSelector("#overview-sessions button[data-kick]"));
        client.await("reconnected to 127\\.0\\.0\\.1", START);
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,860", "--force-device-scale-factor=1", "--hide-scrollbars", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--log-level=3");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        // The driver is Debian's: Selenium Manager never downloads one.
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(SHOTS.resolve("chromedriver.log").toFile()).build();
        return new ChromeDriver(service, options);
    }

    /** A web app that counts what it receives by path and query, and names it in its answer. */
    private HttpServer countingApp() throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        s.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            hits.computeIfAbsent(x.getRequestURI().toString(), k -> new AtomicInteger()).incrementAndGet();
            byte[] body = ("app saw " + x.getRequestMethod() + " " + x.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        return s;
    }

    private int hits(String target) {
        AtomicInteger n = hits.get(target);
        return n == null ? 0 : n.get();
    }

    private void openView(String view) {
        if (!browser.getCurrentUrl().startsWith(clientAdmin + "/#") && !browser.getCurrentUrl().equals(clientAdmin + "/")) {
            browser.get(clientAdmin + "/#/" + view);
            wait.until(ExpectedConditions.textToBe(By.id("role"), "client"));
        }
        browser.findElement(By.cssSelector("#nav a[data-view=" + view + "]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + view)));
    }

    /** Clicks what the selector finds, again if a redraw replaced it meanwhile. */
    private void click(By selector) {
        wait.until(d -> {
            d.findElement(selector).click();
            return true;
        });
    }

    /** Waits for the inspector's row of the request to this path, and returns how to find it. */
    private By rowFor(String path) {
        By row = By.xpath("//tbody[@id='request-rows']/tr[td[contains(@class,'path')][starts-with(normalize-space(.), '" + path + "')]]");
        wait.until(ExpectedConditions.presenceOfElementLocated(row));
        return row;
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void screenshot(String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** The client's tunnels, asked as a local tool asks (no browser markers). */
    private List<String> tunnelNames() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(clientAdmin + "/api/tunnels"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> names = new ArrayList<>();
        for (JsonNode t : JSON.readTree(r.body()).get("tunnels")) {
            names.add(t.get("name").asText());
        }
        return names;
    }

    /** Runs curl, the tests' real HTTP client, and returns what it printed. */
    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "curl ended");
        return out;
    }

    static {
        // Selenium Manager must not fetch anything: the driver path is given, and it stays offline in any case.
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    }
}
