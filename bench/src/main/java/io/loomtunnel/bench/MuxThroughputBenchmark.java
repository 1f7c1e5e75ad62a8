package io.loomtunnel.bench;

import io.loomtunnel.mux.MuxConfig;
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
 * Bulk throughput of the multiplexer (one op = one MiB moved, so ops/s = MiB/s) over memory,
 * loopback TCP and full loopback TLS sessions, with 1, 100 or 10,000 streams (each invocation opens
 * them all at once and splits the 64 MiB among them), beside raw TCP without a multiplexer: shows
 * what each layer costs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MuxThroughputBenchmark {

    /** Two sessions, set up once per trial; each invocation opens fresh streams on them. */
    @State(Scope.Benchmark)
    public static class Mux {
        @Param({"memory", "tcp", "tls"})
        public String transport;

        @Param({"1", "100", "10000"})
        public int streams;

        /** Bytes per application write (try -p chunk=65527: one write = one whole DATA frame). */
        @Param({"65536"})
        public int chunk;

        Pairs.MuxPair pair;
        byte[] source;
        byte[][] readBuffers;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            pair = Pairs.open(transport, MuxConfig.defaults());
            source = Bulk.randomBytes(chunk);
            // 10,000 buffers of 64 KiB would not fit the fork's heap; no stream carries more than its share
            readBuffers = new byte[streams][(int) Math.min(Bulk.CHUNK, Bulk.TOTAL / streams)];
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            pair.close();
        }
    }

    /** A plain loopback socket pair, no multiplexer: the baseline. */
    @State(Scope.Benchmark)
    public static class RawTcp {
        Socket[] sockets;
        InputStream in;
        OutputStream out;
        byte[] source;
        byte[] readBuffer;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            sockets = Pairs.loopbackSockets();
            out = sockets[0].getOutputStream();
            in = sockets[1].getInputStream();
            source = Bulk.randomBytes(Bulk.CHUNK);
            readBuffer = new byte[Bulk.CHUNK];
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            sockets[0].close();
            sockets[1].close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(Bulk.OPS_CONSTANT)
    public void mux(Mux m) throws Exception {
        Bulk.transfer(m.pair.dialer(), m.pair.acceptor(), m.streams, m.chunk, m.source, m.readBuffers);
    }

    @Benchmark
    @OperationsPerInvocation(Bulk.OPS_CONSTANT)
    public void rawTcp(RawTcp r) throws Exception {
        Bulk.pipe(() -> Bulk.writeAll(r.out, r.source, Bulk.CHUNK, Bulk.TOTAL),
                () -> Bulk.readExactly(r.in, r.readBuffer, Bulk.TOTAL));
    }
}
