package io.loomtunnel.bench;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tls.TlsBackend;
import io.loomtunnel.tls.TlsChannel;
import io.loomtunnel.tls.TlsConfig;
import io.loomtunnel.tls.TlsHandshake;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One-direction bulk throughput of a bare TlsChannel over loopback per crypto back-end (one op =
 * one MiB, so ops/s = MiB/s): the figure that decides which back-end is the default.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class TlsBackendBenchmark {
    @Param({"JCA", "BC"})
    public TlsBackend backend;

    private TlsChannel client;
    private TlsChannel server;
    private byte[] source;
    private byte[] readBuffer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Identity serverKey = Identity.generate();
        Identity clientKey = Identity.generate();
        TlsConfig cfg = new TlsConfig(backend, TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT);
        Socket[] sockets = Pairs.loopbackSockets();
        CompletableFuture<TlsChannel> serverSide = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                serverSide.complete(TlsHandshake.server(sockets[1], serverKey, PeerVerifier.anyPeer(), cfg));
            } catch (Throwable t) {
                serverSide.completeExceptionally(t);
            }
        });
        client = TlsHandshake.client(sockets[0], clientKey, PeerVerifier.pinned(serverKey.id()), cfg);
        server = serverSide.get(20, TimeUnit.SECONDS);
        source = Bulk.randomBytes(Bulk.CHUNK);
        readBuffer = new byte[Bulk.CHUNK];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
    }

    /** The client writes 64 MiB in 64 KiB writes; the server decrypts and drains it. */
    @Benchmark
    @OperationsPerInvocation(Bulk.OPS_CONSTANT)
    public void bulk() throws Exception {
        Bulk.pipe(() -> Bulk.writeAll(client.output(), source, Bulk.CHUNK, Bulk.TOTAL),
                () -> Bulk.readExactly(server.input(), readBuffer, Bulk.TOTAL));
    }
}
