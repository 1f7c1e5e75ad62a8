package io.loomtunnel.bench;

import io.loomtunnel.internal.metrics.TunnelCounters;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What byte counting costs per copied buffer (ns/op), beside what copying that buffer costs in
 * memory alone: the splice adds to a tunnel's counters (three LongAdders: the tunnel, its name,
 * the total) once per buffer of 8 to 64 KiB. {@code countContended} has two threads count into
 * the same counters, as two connections of one tunnel do.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CountingBenchmark {

    @State(Scope.Benchmark)
    public static class Shared {
        final TunnelCounters counters = new TunnelCounters().child().child();
    }

    @State(Scope.Thread)
    public static class Buffers {
        @Param({"8192", "65536"})
        public int chunk;

        byte[] from;
        byte[] to;

        @Setup
        public void setUp() {
            from = Bulk.randomBytes(chunk);
            to = new byte[chunk];
        }
    }

    @Benchmark
    public void count(Shared s, Buffers b) {
        s.counters.bytesIn().add(b.chunk);
    }

    @Benchmark
    @Threads(2)
    public void countContended(Shared s, Buffers b) {
        s.counters.bytesIn().add(b.chunk);
    }

    /** The least a splice does per buffer besides its two system calls: one memory copy of it. */
    @Benchmark
    public byte[] copyOnly(Buffers b) {
        System.arraycopy(b.from, 0, b.to, 0, b.chunk);
        return b.to;
    }
}
