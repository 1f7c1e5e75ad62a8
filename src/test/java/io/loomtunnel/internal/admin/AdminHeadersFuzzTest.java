package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The admin endpoint's readers of request fields on arbitrary text, never an exception: a Host
 * value is allowed only for a loopback name or literal with the endpoint's port, or the
 * configured name; a Cookie field lets a browser in only when it holds the session secret. Seeds:
 * src/test/resources/io/loomtunnel/internal/admin/AdminHeadersFuzzTestInputs/{host,cookie}/.
 */
class AdminHeadersFuzzTest {
    private static final int PORT = 9090;
    private static final AllowedHosts HOSTS = new AllowedHosts(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT),
            List.of("admin.example.org"));
    private static final BrowserSession SESSION = new BrowserSession(PORT, Duration.ofMinutes(1), 1, System::nanoTime);

    @FuzzTest
    void host(byte[] data) {
        String host = new String(data, StandardCharsets.UTF_8);
        if (!HOSTS.allows(host)) {
            return;
        }
        String h = host.toLowerCase(Locale.ROOT);
        assertTrue(h.startsWith("admin.example.org") || h.endsWith(":" + PORT) || h.endsWith(":0" + PORT), host);
        assertTrue(h.startsWith("admin.example.org") || h.startsWith("localhost:") || h.startsWith("127.")
                || h.startsWith("["), () -> "not loopback: " + host);
    }

    @FuzzTest
    void cookie(byte[] data) {
        String field = new String(data, StandardCharsets.UTF_8);
        assertFalse(SESSION.heldBy(List.of(field)), () -> "no fuzzer guesses the secret: " + field);
        String secret = SESSION.setCookie(false).substring(0, SESSION.setCookie(false).indexOf(';'));
        assertTrue(SESSION.heldBy(List.of(field + ";" + secret)), () -> "the secret after: " + field);
    }
}
