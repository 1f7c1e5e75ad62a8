package io.loomtunnel.internal.policies;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request log lines, one JSON object per line, written by a thread of its own ("loomtunnel
 * request log: write") so that the proxy path never waits for the disk: {@link #write} puts the
 * line into a queue of {@code capacity} lines and drops it (counted) when the queue is full.
 * No lock of its own; the queue's is a leaf.
 */
public final class JsonLinesLog implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private final BlockingQueue<String> lines;
    private final OutputStream out;
    private final boolean closeOut;
    private final OwnedThreads threads = new OwnedThreads("request log");
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;

    private JsonLinesLog(OutputStream out, boolean closeOut, int capacity) {
        this.out = out;
        this.closeOut = closeOut;
        this.lines = new ArrayBlockingQueue<>(capacity);
        threads.start("write", this::drain);
    }

    /**
     * A log appending to {@code file}, or to standard output for {@code -}.
     *
     * @throws PolicyException when the file cannot be opened, one line
     */
    public static JsonLinesLog open(String file, int capacity) {
        if (file.equals("-")) {
            return new JsonLinesLog(System.out, false, capacity);
        }
        try {
            // A FileOutputStream, not a channel: the interrupt that closes the writer must not close the file.
            return new JsonLinesLog(new BufferedOutputStream(new FileOutputStream(file, true), 16 * 1024), true, capacity);
        } catch (IOException | RuntimeException e) {
            throw new PolicyException(file + ": cannot open for appending: " + e.getMessage());
        }
    }

    /** A log into a stream the caller owns, for tests. */
    static JsonLinesLog to(OutputStream out, int capacity) {
        return new JsonLinesLog(out, false, capacity);
    }

    /** Queues one line made of the fields, in their order (strings, numbers, booleans, null); never blocks. */
    public void write(Map<String, ?> fields) {
        if (closing || !lines.offer(json(fields))) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the writer was behind (or closed). */
    public long dropped() {
        return dropped.get();
    }

    static String json(Map<String, ?> fields) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
                    g.writeNumber(n.longValue());
                } else if (v instanceof Number n) {
                    g.writeNumber(n.doubleValue());
                } else if (v instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (v == null) {
                    g.writeNull();
                } else {
                    g.writeString(v.toString());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.append('\n').toString();
    }

    private void drain() {
        try {
            try {
                while (!closing) {
                    String line = lines.poll(200, TimeUnit.MILLISECONDS);
                    if (line != null) {
                        out.write(line.getBytes(StandardCharsets.UTF_8));
                    }
                    if (lines.isEmpty()) {
                        out.flush();
                    }
                }
            } catch (InterruptedException closed) {
                // close(): write what is queued, without waiting for more
            }
            for (String line = lines.poll(); line != null; line = lines.poll()) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        } catch (IOException e) {
            System.err.println("loomtunnel: request log: cannot write, no more lines: " + e.getMessage());
        }
    }

    /** Writes what is queued (waiting up to the threads' grace), then stops. */
    @Override
    public void close() {
        closing = true;
        threads.close();
        if (closeOut) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the lines that fit are written; nothing else to do
            }
        }
    }
}
