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
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
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
 * tunnel. Then a share and a connect find each other through the same server (a direct path on
 * loopback): both serve the page, show the session live with its path and RTT in the Peers view,
 * and guard their page as the client's. Screenshots of each view go to target/dashboard/.
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
    private ReverseTunnelIT.Server server;
    private JarProcess client;
    /** The share and connect of the peer-to-peer cases (9 on), through the same server. */
    private String shareAdmin;
    private String connectAdmin;
    private PeerId shareId;
    private PeerId connectId;
    private JarProcess share;
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
        server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost",
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
        // The share of the peer-to-peer cases (9 on) starts now: a JVM's start is slow on a busy machine.
        Path shareKey = dir.resolve("share.key");
        Path connectKey = dir.resolve("laptop.key");
        Identity shareIdentity = Identity.generate();
        Identity connectIdentity = Identity.generate();
        shareIdentity.save(shareKey);
        connectIdentity.save(connectKey);
        shareId = shareIdentity.id();
        connectId = connectIdentity.id();
        share = peer("share", shareKey, "--tcp", "echo=127.0.0.1:" + echoPort, "--allow", connectId.toString());
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
        assertQuietConsole();
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
        // The client's row (the share of the later cases has a session here too).
        By kick = By.xpath("//div[@id='overview-sessions']//tr[@data-session][.//b[text()='web']]//button[@data-kick]");
        wait.until(ExpectedConditions.elementToBeClickable(kick));
        screenshot("server");
        click(kick);
        client.await("reconnected to 127\\.0\\.0\\.1", START);
    }

    /**
     * A share's dashboard (--admin-bind): the session a connect sets up through the server shows up
     * live (a session event, no reload), and the Peers view shows the share's id, the pinned server,
     * whom it allows, and the session with its path and RTT.
     */
    @Test
    @Order(9)
    void shareDashboardShowsItsPeerSessionLiveWithPathAndRtt() throws Exception {
        shareAdmin = share.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
        share.await("ready for connecting peers", START);
        browser.manage().logs().get(LogType.BROWSER); // what earlier cases left in the log is theirs
        browser.get(shareAdmin + "/");
        wait.until(ExpectedConditions.textToBe(By.id("role"), "share"));
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        js("window.__sameDocument = 'yes';");

        // Direct even on a slow machine: the relay only after 15 s.
        JarProcess connect = peer("connect", dir.resolve("laptop.key"), "--peer", shareId.toString(), "--service", "echo",
                "--listen", "127.0.0.1:0", "--relay-after", "15s", "--punch-timeout", "20s");
        connectAdmin = connect.await("admin\\s+(http://127\\.0\\.0\\.1:\\d+)/", START).group(1);
        connect.await("session \\S+ to peer \\w+…: direct 127\\.0\\.0\\.1:\\d+", START);
        int local = Integer.parseInt(connect.await("listening on tcp 127\\.0\\.0\\.1:(\\d+) for service echo", START).group(1));
        byte[] data = "through the peer session".getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(data, StandardCharsets.UTF_8), new String(Probes.roundTrip(local, data), StandardCharsets.UTF_8));

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("activity"), "session up"));
        String activity = text("activity");
        assertTrue(activity.matches("(?s).*session up #[\\w-]{8} peer \\w{12} service echo direct 127\\.0\\.0\\.1:\\d+.*"), activity);
        assertEquals("yes", js("return window.__sameDocument;"), "the session came without a reload");
        peersShow("share", shareId, connectId + ": every service");
        screenshot("peers-share");
        assertQuietConsole();
    }

    /** The connect's own dashboard: its id, the pinned server and share, and the same session, direct, with an RTT. */
    @Test
    @Order(10)
    void connectDashboardShowsTheSameSession() throws Exception {
        browser.get(connectAdmin + "/");
        wait.until(ExpectedConditions.textToBe(By.id("role"), "connect"));
        wait.until(d -> d.findElements(By.cssSelector("#overview-sessions .tag.direct")).size() == 1);
        peersShow("connect", connectId, shareId + ": echo");
        screenshot("peers-connect");
        assertQuietConsole();
    }

    /**
     * The share's and connect's page and API come with the client's guard (checked at the HTTP
     * level): the same policy headers, a foreign Host refused (DNS rebinding), a cross-site kick refused.
     */
    @Test
    @Order(11)
    void shareAndConnectGuardTheirPageAsTheClientDoes() throws Exception {
        Map<String, String> client = pageHeaders(clientAdmin);
        for (String admin : List.of(shareAdmin, connectAdmin)) {
            assertEquals(client, pageHeaders(admin), admin + " serves its page as the client does");
            assertEquals("421", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Accept: text/html", "-H", "Host: rebound.example",
                    admin + "/"), admin + ": a foreign Host");
            assertEquals("421", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: rebound.example", admin + "/api/keys"));
        }
        String session = JSON.readTree(curl(shareAdmin + "/api/status")).at("/sessions/0/id").asText();
        String kick = curl("-w", " %{http_code}", "-X", "POST", "-H", "Origin: http://127.0.0.1:1", "-H", "Content-Type: application/json",
                shareAdmin + "/api/sessions/" + session + "/kick");
        assertTrue(kick.endsWith(" 403") && kick.contains("cross-site"), kick);
        assertEquals(1, JSON.readTree(curl(shareAdmin + "/api/status")).get("sessions").size(), "the session is still up");
        assertTrue(curl("-D", "-", "-o", "/dev/null", "--max-time", "2", shareAdmin + "/api/events").toLowerCase(java.util.Locale.ROOT)
                .contains("content-type: text/event-stream"), "the share streams events");
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

    /** {@code loomtunnel share|connect --key KEY ARGS} signaling through the server, with an admin endpoint; stopped at the end. */
    private JarProcess peer(String command, Path key, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(command, "--key", key.toString()));
        all.addAll(List.of(args));
        // The client's token file: the server's tokens take it.
        all.addAll(List.of("--signal", "server", "--server", "127.0.0.1:" + server.controlPort(), "--server-id", server.id().toString(),
                "--token-file", dir.resolve("client-token.txt").toString(), "--bind", "127.0.0.1:0", "--admin-bind", "127.0.0.1:0"));
        JarProcess p = JarProcess.start(Map.of(), all.toArray(String[]::new));
        running.add(p);
        return p;
    }

    /** The Peers view of a share or connect: its id and role, the pinned server, whom it allows, one direct session with an RTT. */
    private void peersShow(String role, PeerId self, String allowed) {
        browser.findElement(By.cssSelector("#nav a[data-view=peers]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-peers")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("identity"), self.toString()));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("identity"), server.id().toString()));
        String identity = text("identity");
        assertTrue(identity.matches("(?s)Id\\s+" + self + "\\s+Role\\s+" + role + "\\s+Pinned server\\s+" + server.id() + "\\s*"), identity);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("allow-list"), allowed));
        // RTT comes with the first PING's answer; the row is drawn anew at each status, so it is read in one go.
        String row = wait.until(d -> d.findElements(By.cssSelector("#peer-sessions tbody tr")).stream().map(WebElement::getText)
                .filter(t -> t.matches("(?s).*\\bdirect\\b.*\\d ms.*")).findFirst().orElse(null));
        assertEquals(1, browser.findElements(By.cssSelector("#peer-sessions tbody tr")).size(), text("peer-sessions"));
        assertTrue(row.matches("(?s)\\S+\\s+\\w{12}\\s+direct\\s+[\\d.]+ ms\\s+0\\s+127\\.0\\.0\\.1:\\d+\\s.*"), row);
    }

    /** No warning or error in the browser's console since it was last read. */
    private void assertQuietConsole() {
        List<String> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::toString).toList();
        assertEquals(List.of(), problems, "the browser's console stays clean (CSP, scripts, requests)");
    }

    /** The security headers an endpoint sends with its page and one of its scripts. */
    private static Map<String, String> pageHeaders(String admin) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String path : List.of("/", "/ui/app.js")) {
            for (String line : curl("-D", "-", "-o", "/dev/null", "-H", "Accept: text/html", admin + path).split("\r\n")) {
                int colon = line.indexOf(':');
                String name = colon < 0 ? "" : line.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
                if (List.of("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy",
                        "cache-control", "content-type").contains(name)) {
                    out.put(path + " " + name, line.substring(colon + 1).strip());
                } else if (line.startsWith("HTTP/")) {
                    out.put(path + " status", line.split(" ")[1]);
                }
            }
        }
        assertTrue(out.get("/ content-security-policy").contains("script-src 'self'"), out.toString());
        return out;
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
