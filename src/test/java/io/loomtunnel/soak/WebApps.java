package io.loomtunnel.soak;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web apps behind the HTTP tunnels: an HTTP echo (POST body back with its length, keep-alive)
 * on the JDK's server, and a WebSocket echo (binary and text frames back, pings answered, close
 * answered) on a plain socket.
 */
final class WebApps {
    private static final int MAX_FRAME = 1 << 20;

    private WebApps() {}

    /** The HTTP echo; {@code stop(0)} ends it, then close the returned executor. */
    static HttpServer http(InetAddress bind, ExecutorService executor) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, 0), 256);
        server.setExecutor(executor);
        server.createContext("/", x -> {
            try (x) {
                byte[] body = x.getRequestBody().readNBytes(HttpWire.MAX_BODY);
                x.getResponseHeaders().set("Content-Type", "application/octet-stream");
                x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    x.getResponseBody().write(body);
                }
            }
        });
        server.start();
        return server;
    }

    static ExecutorService executor() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("soak http app").factory());
    }

    static Acceptor webSocket(InetAddress bind) throws IOException {
        return new Acceptor("websocket echo", bind, WebApps::webSocket);
    }

    private static void webSocket(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        String head = HttpWire.readHead(in);
        String key = HttpWire.header(head, "Sec-WebSocket-Key");
        String upgrade = HttpWire.header(head, "Upgrade");
        if (key == null || upgrade == null || !upgrade.toLowerCase(Locale.ROOT).equals("websocket")) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + WebSocketCodec.accept(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
            WebSocketCodec.Frame f = WebSocketCodec.read(in, MAX_FRAME);
            switch (f.opcode()) {
                case WebSocketCodec.CLOSE -> {
                    WebSocketCodec.write(out, WebSocketCodec.CLOSE, f.payload(), null);
                    return;
                }
                case WebSocketCodec.PING -> WebSocketCodec.write(out, WebSocketCodec.PONG, f.payload(), null);
                case WebSocketCodec.PONG -> { }
                default -> WebSocketCodec.write(out, f.opcode(), f.payload(), null);
            }
        }
    }
}
