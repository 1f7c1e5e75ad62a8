package io.loomtunnel;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * What a library user runs: a server and a client in one JVM, a TCP tunnel between them, bytes through
 * it, with the admin endpoint and JSON snapshots on. {@link LibraryWithoutOptionalDependenciesTest} runs it without picocli, JLine and the OTLP
 * registry on the class path; it prints {@code tunnel ok} and exits 0 when the bytes came back whole.
 */
public final class LibraryOnlyMain {
    private LibraryOnlyMain() {}

    public static void main(String[] args) throws Exception {
        for (String absent : args) {
            try {
                Class.forName(absent, false, LibraryOnlyMain.class.getClassLoader());
                throw new IllegalStateException(absent + " is on the class path; this run is to go without it");
            } catch (ClassNotFoundException expected) {
                // as it should be
            }
        }
        Path dir = Files.createTempDirectory("loomtunnel-library");
        byte[] sent = "bytes through a tunnel, without the CLI's dependencies".getBytes(StandardCharsets.UTF_8);
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TunnelServer server = TunnelServer.start(serverSettings(dir), ServerEvents.NONE);
             TunnelClient client = TunnelClient.start(clientSettings(server, dir, service.getLocalPort()), ClientEvents.NONE)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = service.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            String address = client.awaitReady(Duration.ofSeconds(20)).get(0).address();
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            byte[] back;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(sent);
                s.shutdownOutput();
                back = s.getInputStream().readAllBytes();
            }
            if (!Arrays.equals(sent, back)) {
                System.out.println("tunnel broken: sent " + sent.length + " bytes, got back " + back.length);
                System.exit(1);
            }
            if (!server.metrics().scrape().contains("loomtunnel_sessions_active")) {
                System.out.println("no meters");
                System.exit(1);
            }
            System.out.println("tunnel ok: " + back.length + " bytes; admin endpoint at " + server.adminAddress());
        }
    }

    /** With the admin endpoint on, so its path runs too. */
    private static ServerSettings serverSettings(Path dir) {
        ServerSettings.Builder b = ServerSettings.builder().bind(new InetSocketAddress("127.0.0.1", 0))
                .keyFile(dir.resolve("server.key")).token("t");
        b.observe().adminBind(new InetSocketAddress("127.0.0.1", 0));
        return b.build();
    }

    /** With JSON snapshots on, so their path runs too. */
    private static ClientSettings clientSettings(TunnelServer server, Path dir, int servicePort) {
        ClientSettings.Builder b = ClientSettings.builder(server.controlAddress(), server.id()).token("t")
                .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", servicePort));
        b.observe().metricsJson(dir.resolve("metrics.json")).interval(Duration.ofMillis(200));
        return b.build();
    }
}
