package io.loomtunnel.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, finding 10 (control port): bytes that are not TLS get the fatal alert
 * docs/protocol/SESSION.md 1 and docs/SECURITY.md name, {@code unexpected_message}, as a
 * plaintext TLS record, and then the connection closes; before the fix they got nothing.
 */
@Timeout(60)
class NotTlsTest {
    /** A TLS 1.3 record (legacy version 0x0303): alert, 2 bytes, fatal, unexpected_message. */
    private static final String UNEXPECTED_MESSAGE_ALERT = "1503030002020a";

    @ParameterizedTest
    @ValueSource(strings = {
            "GET / HTTP/1.1\r\nHost: tunnel.example.org\r\n\r\n",
            "SSH-2.0-OpenSSH_9.6\r\n",
            "\u0016\u0003\u0001\u0000\u0005hello", // a handshake record header, then no ClientHello
            "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000"})
    void bytesThatAreNotTlsGetTheAlertAndAClose(String garbage) throws Exception {
        Identity key = Identity.generate();
        List<IOException> failures = new CopyOnWriteArrayList<>();
        try (SessionListener listener = SessionListener.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new SessionAcceptor(key, PeerVerifier.anyPeer(), Authenticator.anyone(), SessionOptions.defaults()),
                s -> { }, failures::add);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(garbage.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            byte[] answer = s.getInputStream().readAllBytes(); // until the server closes
            String hex = HexFormat.of().formatHex(answer);
            assertEquals(7, answer.length, "one alert record, got " + hex);
            assertEquals("1503030002", hex.substring(0, 10), "an alert record: " + hex);
            assertEquals("02", hex.substring(10, 12), "fatal: " + hex);
            if (!garbage.startsWith("\u0016")) {
                assertEquals(UNEXPECTED_MESSAGE_ALERT, hex);
            }
            assertTrue(failures.size() <= 1, "one failure reported: " + failures);
        }
    }
}
