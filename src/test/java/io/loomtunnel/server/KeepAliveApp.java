package io.loomtunnel.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A keep-alive HTTP/1.1 app on raw sockets for the pooling tests, independent of the code under
 * test: each connection is numbered and serves requests until the peer ends it (or it idles for
 * {@code idleClose}, as Node's keepAliveTimeout does). Every answer's body names its connection and
 * how many requests that connection has carried ({@code conn=3 n=2}). Paths: {@code /hello};
 * {@code /slow} (answers after 300 ms); {@code /close} (Connection: close, then closes);
 * {@code /close-open} (says Connection: close but keeps reading); {@code /http10} (an HTTP/1.0
 * answer, kept open); {@code /drop} (on a connection that carried a request before: closes
 * without reading the body or answering); {@code /ws} (101, then echoes bytes).
 */
final class KeepAliveApp implements AutoCloseable {
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();
    final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ServerSocket server;
    private final Duration idleClose;

    KeepAliveApp(Duration idleClose) throws IOException {
        this.idleClose = idleClose;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptForever);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = accepted.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().start(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            s.setSoTimeout((int) idleClose.toMillis());
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (int n = 1; ; n++) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ", 3)[1];
                if (path.equals("/drop") && n > 1) {
                    dropped.incrementAndGet();
                    s.setSoLinger(true, 0);
                    return;
                }
                int length = contentLength(head);
                in.readNBytes(length);
                String body = "conn=" + id + " n=" + n;
                switch (path) {
                    case "/slow" -> {
                        Thread.sleep(300);
                        out.write(ok("HTTP/1.1", body, ""));
                    }
                    case "/close" -> {
                        out.write(ok("HTTP/1.1", body, "Connection: close\r\n"));
                        return;
                    }
                    case "/close-open" -> out.write(ok("HTTP/1.1", body, "Connection: close\r\n"));
                    case "/http10" -> out.write(ok("HTTP/1.0", body, ""));
                    case "/ws" -> {
                        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        s.setSoTimeout(0);
                        in.transferTo(out);
                        return;
                    }
                    default -> out.write(ok("HTTP/1.1", body, ""));
                }
                out.flush();
            }
        } catch (SocketTimeoutException idle) {
            // idle too long: closed, as app servers close their idle keep-alive connections
        } catch (IOException | InterruptedException e) {
            // the connection ended
        } finally {
            open.remove(s);
        }
    }

    private static byte[] ok(String version, String body, String extra) {
        return (version + " 200 OK\r\nContent-Length: " + body.length() + "\r\n" + extra + "\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The head through its empty line, or null at end of stream before it. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
    }
}
