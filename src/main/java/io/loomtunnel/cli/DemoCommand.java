package io.loomtunnel.cli;

import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.session.SessionListener;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.session.TokenCheck;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code loomtunnel demo}: everything in one process on loopback. A listener and a dialer with
 * fresh keys set up a real TLS 1.3 session (server id pinned, token checked), then every second
 * the demo measures what the session does: PING round trip, a new stream with a 64-byte echo,
 * and a bulk transfer.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a server and a client in one process on loopback and show the session at work.",
        footer = {"", "Examples:", "  loomtunnel demo", "  loomtunnel demo --duration 30s --bulk-mib 512"})
final class DemoCommand implements Callable<Integer> {
    /** First byte of a demo stream: what the server side does with it. */
    private static final int ECHO = 'E';
    private static final int SINK = 'S';

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Stop after this long (e.g. 30s, 5m); default: run until Ctrl-C.")
    Duration duration;

    @Option(names = "--bulk-mib", paramLabel = "N", defaultValue = "256",
            description = "MiB to send each second in the bulk test (default: ${DEFAULT-VALUE}).")
    int bulkMib;

    @Override
    public Integer call() throws Exception {
        if (bulkMib < 1 || bulkMib > 65_536) {
            throw new UsageException("--bulk-mib must be between 1 and 65536, got " + bulkMib);
        }
        PrintStream out = System.out;
        Identity serverKey = Identity.generate();
        Identity clientKey = Identity.generate();
        String token = randomToken();
        SessionOptions options = SessionOptions.defaults();
        SessionAcceptor acceptor = new SessionAcceptor(serverKey, PeerVerifier.anyPeer(), TokenCheck.of(List.of(token)), options);
        try (SessionListener listener = SessionListener.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), acceptor, DemoCommand::serve,
                failure -> System.err.println("loomtunnel: demo server refused a session: " + failure.getMessage()))) {
            out.println("server  " + serverKey.id() + "  listening on 127.0.0.1:" + listener.port() + " (TLS 1.3, token required)");
            Session client = new SessionDialer(clientKey, PeerVerifier.pinned(serverKey.id()), token, options)
                    .dial(listener.address());
            out.println("client  " + clientKey.id() + "  connected with " + client.cipherSuite()
                    + "; server id pinned and verified");
            out.println("each second: PING round trip, a new stream with a 64-byte echo, " + bulkMib + " MiB one way"
                    + (duration == null ? "; Ctrl-C stops" : "; for " + duration.toSeconds() + " s"));
            Thread shutdown = new Thread(() -> gracefully(client));
            Runtime.getRuntime().addShutdownHook(shutdown);
            long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                long started = System.nanoTime();
                out.println(measure(client));
                long rest = Duration.ofSeconds(1).toNanos() - (System.nanoTime() - started);
                if (rest > 0 && System.nanoTime() + rest < end) {
                    Thread.sleep(Duration.ofNanos(rest));
                }
            }
            Runtime.getRuntime().removeShutdownHook(shutdown);
            gracefully(client);
            out.println("done");
        }
        return ExitCode.OK;
    }

    private String measure(Session client) throws IOException {
        Duration rtt = client.mux().ping(Duration.ofSeconds(5));

        long t0 = System.nanoTime();
        MuxStream echo = client.mux().open();
        byte[] message = new byte[64];
        message[0] = ECHO;
        echo.output().write(message);
        echo.shutdownOutput();
        byte[] back = echo.input().readAllBytes();
        long echoNanos = System.nanoTime() - t0;
        echo.close();
        if (back.length != message.length) {
            throw new IOException("echo returned " + back.length + " bytes instead of " + message.length);
        }

        long bytes = (long) bulkMib << 20;
        MuxStream bulk = client.mux().open();
        byte[] chunk = new byte[64 * 1024];
        long t1 = System.nanoTime();
        bulk.output().write(SINK);
        for (long left = bytes; left > 0; left -= chunk.length) {
            bulk.output().write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        bulk.shutdownOutput();
        long counted = new DataInputStream(bulk.input()).readLong();
        double seconds = (System.nanoTime() - t1) / 1e9;
        bulk.close();
        if (counted != bytes) {
            throw new IOException("the server counted " + counted + " bulk bytes instead of " + bytes);
        }
        return String.format("rtt %7.3f ms   new stream + 64 B echo %7.3f ms   bulk %5d MiB at %6.0f MB/s",
                rtt.toNanos() / 1e6, echoNanos / 1e6, bulkMib, bytes / seconds / 1e6);
    }

    /** The demo server: echoes or counts each stream, by its first byte. */
    private static void serve(Session session) {
        try (session) {
            while (true) {
                MuxStream stream = session.mux().accept();
                Thread.ofVirtual().name("demo-stream-" + stream.id()).start(() -> handle(stream));
            }
        } catch (IOException sessionEnded) {
            // the client went away
        }
    }

    private static void handle(MuxStream stream) {
        try (stream) {
            InputStream in = stream.input();
            int kind = in.read();
            if (kind == ECHO) {
                stream.output().write(kind);
                in.transferTo(stream.output());
            } else if (kind == SINK) {
                long n = 0;
                byte[] buf = new byte[64 * 1024];
                for (int r; (r = in.read(buf)) > 0; ) {
                    n += r;
                }
                new DataOutputStream(stream.output()).writeLong(n);
            }
            stream.shutdownOutput();
        } catch (IOException e) {
            System.err.println("loomtunnel: demo stream " + stream.id() + ": " + e.getMessage());
        }
    }

    private static void gracefully(Session client) {
        try {
            client.mux().shutdown(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String randomToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
