package io.loomtunnel.bench;

import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frame codec alone (one op = one DATA frame of {@code payload} bytes; the summary turns ops/s
 * into MB/s): the ceiling the wire format puts under every transport.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class CodecBenchmark {
    @Param({"64", "16384", "65536"})
    public int payload;

    private byte[] data;
    private FrameWriter writer;
    private FrameReader reader;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        data = Bulk.randomBytes(payload);
        writer = new FrameWriter(OutputStream.nullOutputStream());
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        new FrameWriter(encoded).writeData(1, Flags.NONE, data, 0, payload);
        reader = new FrameReader(new CyclicInput(encoded.toByteArray()));
    }

    @Benchmark
    public void encode() throws IOException {
        writer.writeData(1, Flags.NONE, data, 0, payload);
    }

    @Benchmark
    public Frame decode() throws IOException {
        return reader.read();
    }

    /** Endless repetition of one encoded frame, so the reader never sees EOF or a broken frame. */
    static final class CyclicInput extends InputStream {
        private final byte[] bytes;
        private int position;

        CyclicInput(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            int b = bytes[position] & 0xFF;
            position = (position + 1) % bytes.length;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            int n = Math.min(len, bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position = (position + n) % bytes.length;
            return n;
        }
    }
}
