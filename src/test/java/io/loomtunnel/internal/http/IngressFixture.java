package io.loomtunnel.internal.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An ingress on loopback with its apps: alpha.test and localhost reach app "alpha", beta.test app
 * "beta", offline.test fails to open (502), silent.test accepts and never answers (504),
 * ws.test answers an upgrade with 101 and then echoes, raw.test reaches {@link #raw}, which
 * answers with the request exactly as it arrived.
 */
final class IngressFixture implements AutoCloseable {
    final HttpIngress ingress;
    final RawApp raw;
    /** The name of the thread each route() call ran on: the connection's thread. */
    final List<String> routingThreads = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

    IngressFixture(HttpIngressConfig config) throws IOException {
        this(config, Map.of());
    }

    /** With {@code extra} routes beside the standard ones. */
    IngressFixture(HttpIngressConfig config, Map<String, HttpRoute> extra) throws IOException {
        HttpServer alpha = TestApps.start("alpha");
        HttpServer beta = TestApps.start("beta");
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerSocket ws = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        raw = RawApp.echo();
        resources.addAll(List.<AutoCloseable>of(() -> alpha.stop(0), () -> beta.stop(0), silent, ws, raw));
        Thread.ofVirtual().start(() -> acceptForever(silent, s -> { })); // holds connections open, says nothing
        Thread.ofVirtual().start(() -> acceptForever(ws, IngressFixture::upgradeEcho));
        Map<String, HttpRoute> routes = new java.util.HashMap<>(extra);
        routes.putAll(Map.of(
                "alpha.test", route("alpha", alpha.getAddress()),
                "localhost", route("alpha", alpha.getAddress()),
                "beta.test", route("beta", beta.getAddress()),
                "silent.test", route("silent", (InetSocketAddress) silent.getLocalSocketAddress()),
                "ws.test", route("ws", (InetSocketAddress) ws.getLocalSocketAddress()),
                "raw.test", route("raw", raw.address()),
                "offline.test", new HttpRoute() {
                    @Override
                    public String name() {
                        return "offline-tunnel";
                    }

                    @Override
                    public Upstream open() throws IOException {
                        throw new ConnectException("tunnel client is offline");
                    }
                }));
        HttpRouter router = host -> {
            routingThreads.add(Thread.currentThread().getName());
            return routes.get(host);
        };
        ingress = HttpIngress.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), router, config);
    }

    int port() {
        return ingress.port();
    }

    /** Sends {@code request} ('|' for each CRLF) on a new connection and reads one response. */
    RawClient.Response send(String request) throws IOException {
        try (RawClient c = new RawClient(port())) {
            return c.send(request.replace("|", "\r\n")).read();
        }
    }

    static HttpRoute route(String name, InetSocketAddress to) {
        return new HttpRoute() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Upstream open() throws IOException {
                return new SocketUpstream(to);
            }
        };
    }

    @FunctionalInterface
    private interface Serve {
        void serve(Socket s) throws IOException;
    }

    private void acceptForever(ServerSocket server, Serve serve) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                resources.add(s);
                Thread.ofVirtual().start(() -> {
                    try {
                        serve.serve(s);
                    } catch (IOException ignored) {
                        // the test sees the effect on its side
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Reads a request head, answers 101, then echoes every byte until end of stream, then half-closes. */
    private static void upgradeEcho(Socket s) throws IOException {
        try (s) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            OutputStream out = s.getOutputStream();
            String protocol = head.lines().filter(l -> l.toLowerCase().startsWith("upgrade:"))
                    .map(l -> l.substring(8).strip()).findFirst().orElse("none");
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + protocol
                    + "\r\nConnection: Upgrade\r\nX-Seen-Connection: " + head.contains("Connection: upgrade")
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            in.transferTo(out);
            s.shutdownOutput();
        }
    }

    /** A head as an app reads it, through its empty line; null at the end of the stream before one. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    @Override
    public void close() throws Exception {
        ingress.close();
        for (AutoCloseable r : resources) {
            r.close();
        }
    }
}
