package io.loomtunnel.bench;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request/response round-trip latency (one op = write {@code size} bytes, read the echo back), as
 * percentiles (Mode.SampleTime): over a plain loopback socket (the baseline), over one stream of a
 * full TLS session pair, and through a whole tunnel in this JVM (ingress socket, server, session,
 * client, local echo service). "Added over raw" is a case's percentile minus rawTcp's.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class LatencyBenchmark {

    /** The bytes of one request and its response. */
    @State(Scope.Benchmark)
    public static class Message {
        @Param({"64", "1024"})
        public int size;

        byte[] request;
        byte[] response;

        @Setup(Level.Trial)
        public void setUp() {
            request = Bulk.randomBytes(size);
            response = new byte[size];
        }
    }

    /** A loopback socket pair whose accepting end echoes: what every other case adds to. */
    @State(Scope.Benchmark)
    public static class RawTcp {
        Socket[] sockets;
        InputStream in;
        OutputStream out;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            sockets = Pairs.loopbackSockets();
            Echo.start(sockets[1].getInputStream(), sockets[1].getOutputStream());
            in = sockets[0].getInputStream();
            out = sockets[0].getOutputStream();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            sockets[0].close();
            sockets[1].close();
        }
    }

    /** One stream over a full loopback TLS session pair; the acceptor's side echoes. */
    @State(Scope.Benchmark)
    public static class Session {
        Pairs.MuxPair pair;
        MuxStream stream;
        InputStream in;
        OutputStream out;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            pair = Pairs.open("tls", MuxConfig.defaults());
            stream = pair.dialer().open();
            out = stream.output();
            in = stream.input();
            out.write(0); // the acceptor learns of a stream from its first frame
            out.flush();
            MuxStream accepted = pair.acceptor().accept(Duration.ofSeconds(20));
            if (accepted.input().read() != 0) {
                throw new IOException("first byte lost");
            }
            Echo.start(accepted.input(), accepted.output());
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            stream.close();
            pair.close();
        }
    }

    /** A server and a client with one TCP tunnel to a local echo service, all in this JVM, on loopback. */
    @State(Scope.Benchmark)
    public static class Tunnel {
        Path dir;
        ServerSocket service;
        TunnelServer server;
        TunnelClient client;
        Socket visitor;
        InputStream in;
        OutputStream out;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            dir = Files.createTempDirectory("latency-bench");
            service = new ServerSocket(0, 50, loopback);
            Thread.ofVirtual().name("bench echo service").start(this::serve);
            server = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress(loopback, 0))
                    .keyFile(dir.resolve("server.key")).token("bench").allowPorts(PortRanges.parse("20000-60000"))
                    .build(), ServerEvents.NONE);
            client = TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id()).token("bench")
                    .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", service.getLocalPort())).build(), ClientEvents.NONE);
            PublicTunnel tunnel = client.awaitReady(Duration.ofSeconds(30)).get(0);
            int port = Integer.parseInt(tunnel.address().substring(tunnel.address().lastIndexOf(':') + 1));
            visitor = new Socket();
            visitor.setTcpNoDelay(true);
            visitor.connect(new InetSocketAddress(loopback, port), 10_000);
            in = visitor.getInputStream();
            out = visitor.getOutputStream();
        }

        private void serve() {
            try {
                while (true) {
                    Socket s = service.accept();
                    s.setTcpNoDelay(true);
                    Echo.start(s.getInputStream(), s.getOutputStream());
                }
            } catch (IOException closed) {
                // the trial is over
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            visitor.close();
            client.close();
            server.close();
            service.close();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    @Benchmark
    public byte[] rawTcp(RawTcp r, Message m) throws IOException {
        return roundTrip(r.in, r.out, m);
    }

    @Benchmark
    public byte[] session(Session s, Message m) throws IOException {
        return roundTrip(s.in, s.out, m);
    }

    @Benchmark
    public byte[] tunnel(Tunnel t, Message m) throws IOException {
        return roundTrip(t.in, t.out, m);
    }

    private static byte[] roundTrip(InputStream in, OutputStream out, Message m) throws IOException {
        out.write(m.request);
        out.flush();
        Bulk.readExactly(in, m.response, m.response.length);
        return m.response;
    }

    /** Writes back whatever arrives, as it arrives, on a virtual thread, until EOF or close. */
    static final class Echo {
        private Echo() {}

        static void start(InputStream in, OutputStream out) {
            Thread.ofVirtual().name("bench echo").start(() -> {
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) != -1; ) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException closed) {
                    // the other end went away
                }
            });
        }
    }
}
