package io.loomtunnel.bench;

import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.internal.tunnel.Splice;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
 * Bulk throughput through {@link Splice}, the copy loop every proxied TCP connection runs (one op
 * = one MiB, so ops/s = MiB/s): a loopback socket on one side, a stream of an in-memory session on
 * the other, so the splice and its byte counting are the bulk of the work. {@code up} moves bytes
 * socket → stream (a public connection's upload on the server), {@code down} stream → socket.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpliceBenchmark {

    @State(Scope.Benchmark)
    public static class Pair {
        @Param({"up", "down"})
        public String direction;

        Pairs.MuxPair mux;
        byte[] source;
        byte[] readBuffer;
        byte[] spareBuffer;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            mux = Pairs.open("memory", MuxConfig.defaults());
            source = Bulk.randomBytes(Bulk.CHUNK);
            readBuffer = new byte[Bulk.CHUNK];
            spareBuffer = new byte[Bulk.CHUNK];
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            mux.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(Bulk.OPS_CONSTANT)
    public void splice(Pair p) throws Exception {
        Socket[] sockets = Pairs.loopbackSockets(); // [outside, spliced]; the splice closes its end
        try (Socket outside = sockets[0]) {
            MuxStream spliced = p.mux.dialer().open();
            Thread splice = Thread.ofVirtual().start(() -> SpliceCall.run(sockets[1], spliced));
            MuxStream far = p.mux.acceptor().accept();
            if (p.direction.equals("up")) {
                move(outside.getOutputStream(), outside::shutdownOutput, far.input(), p);
                far.close();
                Bulk.drain(outside.getInputStream(), p.spareBuffer);
            } else {
                move(far.output(), far::shutdownOutput, outside.getInputStream(), p);
                outside.shutdownOutput();
                Bulk.drain(far.input(), p.spareBuffer);
                far.close();
            }
            splice.join();
        }
    }

    /** Writes TOTAL bytes into {@code out} and half-closes it while {@code in} is read to EOF on another thread. */
    private static void move(OutputStream out, Bulk.ThrowingRunnable halfClose, InputStream in, Pair p) throws Exception {
        long[] received = new long[1];
        Bulk.pipe(() -> {
            Bulk.writeAll(out, p.source, Bulk.CHUNK, Bulk.TOTAL);
            halfClose.run();
        }, () -> received[0] = Bulk.drain(in, p.readBuffer));
        if (received[0] != Bulk.TOTAL) {
            throw new IOException("received " + received[0] + " bytes, expected " + Bulk.TOTAL);
        }
    }

    /**
     * The call under test, counting bytes like a server's tunnel does: into a tunnel's counters,
     * which add to its name's and to the server's totals (before the counting change this was
     * {@code Splice.run(socket, stream, "bench-splice")}; docs/BENCHMARKS.md has both runs).
     */
    private static final class SpliceCall {
        private static final TunnelCounters COUNTERS = new TunnelCounters().child().child();

        static void run(Socket socket, MuxStream stream) {
            Splice.run(socket, stream, COUNTERS.bytesIn(), COUNTERS.bytesOut());
        }
    }
}
