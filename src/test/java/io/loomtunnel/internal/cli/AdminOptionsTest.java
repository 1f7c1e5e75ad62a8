package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 12 (11): {@code --admin} takes what {@code --admin-bind} takes, a URL, or a port. */
class AdminOptionsTest {
    @Test
    void theAdminEndpointIsGivenAsHostPortUrlOrPort() {
        assertEquals("http://127.0.0.1:9090/", AdminOptions.baseUrl("127.0.0.1:9090").toString());
        assertEquals("http://127.0.0.1:9090/", AdminOptions.baseUrl("http://127.0.0.1:9090").toString());
        assertEquals("http://127.0.0.1:9090/", AdminOptions.baseUrl("http://127.0.0.1:9090/").toString());
        assertEquals("http://127.0.0.1:9191/", AdminOptions.baseUrl("9191").toString());
        assertEquals("http://[::1]:9090/", AdminOptions.baseUrl("[::1]:9090").toString());
        assertEquals("http://admin.example.org:9090/", AdminOptions.baseUrl("admin.example.org:9090").toString());
        assertEquals("http://0.0.0.0:9090/", AdminOptions.baseUrl(" 0.0.0.0:9090 ").toString());
    }

    @Test
    void anythingElseIsOneLineThatSaysWhatIsTaken() {
        for (String bad : new String[] {"", "9090x", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "::1:9090", "https://127.0.0.1:9090",
            "http://127.0.0.1", "http://127.0.0.1:9090/api", "http://u@127.0.0.1:9090", "ftp://x:1", "0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdminOptions.baseUrl(bad), bad);
            assertTrue(e.getMessage().startsWith("must be HOST:PORT (as given to --admin-bind), http://HOST:PORT or a port"),
                    e.getMessage());
        }
    }
}
