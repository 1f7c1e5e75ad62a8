package io.loomtunnel.internal.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The demo's local services: a small web app (the JDK's HTTP server) and a TCP echo service, on
 * loopback. Their threads ({@code "loomtunnel demo app: ..."}) are its own and end on close.
 */
final class DemoApp implements Closeable {
    private final HttpServer web;
    private final ServerSocket echo;
    private final OwnedThreads threads;

    private DemoApp(HttpServer web, ServerSocket echo, OwnedThreads threads) {
        this.web = web;
        this.echo = echo;
        this.threads = threads;
    }

    static DemoApp start() throws IOException {
        OwnedThreads threads = new OwnedThreads("demo app");
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.setExecutor(threads.executor("web request"));
        web.createContext("/", DemoApp::page);
        web.start();
        ServerSocket echo = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        threads.start("echo accept", () -> echoLoop(echo, threads));
        return new DemoApp(web, echo, threads);
    }

    int webPort() {
        return web.getAddress().getPort();
    }

    int echoPort() {
        return echo.getLocalPort();
    }

    /** Shows what reached the app through the tunnel: the path and the proxy's X-Forwarded-* headers. */
    private static void page(HttpExchange x) throws IOException {
        String text = "Hello from the loomtunnel demo app!\n"
                + "You asked for " + x.getRequestMethod() + " " + x.getRequestURI() + "\n"
                + "It came through the tunnel: X-Forwarded-For=" + x.getRequestHeaders().getFirst("X-Forwarded-For")
                + ", X-Forwarded-Host=" + x.getRequestHeaders().getFirst("X-Forwarded-Host")
                + ", X-Forwarded-Proto=" + x.getRequestHeaders().getFirst("X-Forwarded-Proto") + "\n";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(200, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    private static void echoLoop(ServerSocket server, OwnedThreads threads) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                boolean started = threads.startIfOpen("echo", () -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException ignored) {
                        // the visitor hung up
                    }
                });
                if (!started) {
                    s.close();
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        web.stop(0);
        echo.close();
        threads.close();
    }
}
