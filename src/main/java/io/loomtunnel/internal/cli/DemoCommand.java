package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loomtunnel demo}: the whole product in one process on loopback. A server, a client and
 * a sample web app; the client exposes the app as an HTTP tunnel at demo.localhost and an echo
 * service as a TCP tunnel, over a real TLS 1.3 session with the server's key pinned and a token.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a server, a client and a sample web app in one process, and expose the app through a tunnel.",
        footer = {"", "Examples:", "  loomtunnel demo", "  loomtunnel demo --http-port 9090 --duration 5m"})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the HTTP ingress on 127.0.0.1 (default ${DEFAULT-VALUE}; a free one if taken).")
    int httpPort;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 30s, 5m); default: run until Ctrl-C.")
    Duration duration;

    @Override
    public Integer call() throws Exception {
        if (httpPort < 0 || httpPort > 65_535) {
            throw new UsageException("--http-port must be within 0-65535, got " + httpPort);
        }
        PrintStream out = System.out;
        Path scratch = Files.createTempDirectory("loomtunnel-demo");
        String token = randomToken();
        try (DemoApp app = DemoApp.start(); TunnelServer server = startServer(scratch, token)) {
            TunnelClient client = TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id())
                    .token(token)
                    .tunnel(TunnelSpec.http("demo", "demo", "127.0.0.1", app.webPort()))
                    .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", app.echoPort()))
                    .build(), ClientEvents.NONE);
            List<PublicTunnel> tunnels = client.awaitReady(Duration.ofSeconds(20));
            String url = tunnels.get(0).address();
            String tcp = tunnels.get(1).address();
            out.println("loomtunnel demo: a server, a client and a sample web app in one process, on loopback");
            out.println("  server  " + server.id() + " on 127.0.0.1:" + server.controlAddress().getPort()
                    + " (TLS 1.3, token required)");
            out.println("  client  connected; it pinned the server id above");
            out.println("  http    " + url + "  ->  sample web app on 127.0.0.1:" + app.webPort());
            out.println("  tcp     " + tcp + "  ->  echo service on 127.0.0.1:" + app.echoPort());
            out.println("Try:");
            out.println("  curl " + url);
            out.println("  curl -H 'Host: demo.localhost' http://127.0.0.1:" + server.httpPort() + "/   (if *.localhost does not resolve)");
            // Not "echo hello | nc": Debian's netcat waits for the peer to close and hangs; bash's /dev/tcp ends by itself.
            out.println("  bash -c 'exec 3<>/dev/tcp/localhost/" + tcp.substring(tcp.lastIndexOf(':') + 1)
                    + "; echo hello >&3; head -n1 <&3'");
            out.println(duration == null ? "Ctrl-C stops." : "Stopping in " + duration.toSeconds() + " s.");
            CountDownLatch stop = new CountDownLatch(1);
            StopSignals.onStop(stop::countDown);
            stop.await(duration == null ? Long.MAX_VALUE : duration.toMillis(), TimeUnit.MILLISECONDS);
            client.close();
            out.println("done");
        } finally {
            deleteScratch(scratch);
        }
        return ExitCode.OK;
    }

    private TunnelServer startServer(Path scratch, String token) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSettings.Builder b = ServerSettings.builder().bind(new InetSocketAddress(loopback, 0))
                .keyFile(scratch.resolve("server.key")).token(token);
        try {
            return TunnelServer.start(b.http(new InetSocketAddress(loopback, httpPort), "localhost").build(), ServerEvents.NONE);
        } catch (BindException taken) {
            System.out.println("port " + httpPort + " is taken; the HTTP ingress takes a free port instead");
            return TunnelServer.start(b.http(new InetSocketAddress(loopback, 0), "localhost").build(), ServerEvents.NONE);
        }
    }

    private static void deleteScratch(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
