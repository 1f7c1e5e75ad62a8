package io.loomtunnel.internal.admin;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.micrometer.core.instrument.Meter;
import io.loomtunnel.observe.Status;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Appends a JSON snapshot to a file every interval, one object per line (JSON Lines): the time,
 * the status ({@code /api/status}) and every meter's measurements (docs/METRICS.md). A write
 * that fails is reported once on standard error and tried again at the next interval.
 *
 * <p>Threads: one of its own ({@code "loomtunnel metrics file NAME: writer"}), which
 * {@link #close} ends and joins before it writes the last line itself. No lock: {@code failing}
 * is touched by one thread at a time (the writer, then the closer after the join).
 */
final class MetricsJsonFile implements Closeable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Supplier<Status> status;
    private final MeterRegistry registry;
    private final OwnedThreads threads;
    private boolean failing;

    private MetricsJsonFile(Path file, Duration interval, Supplier<Status> status, MeterRegistry registry) {
        this.file = file;
        this.status = status;
        this.registry = registry;
        this.threads = new OwnedThreads("metrics file " + file.getFileName());
        threads.start("writer", () -> run(interval));
    }

    static MetricsJsonFile start(Path file, Duration interval, Supplier<Status> status, MeterRegistry registry) {
        return new MetricsJsonFile(file, interval, status, registry);
    }

    private void run(Duration interval) {
        try {
            while (true) {
                Thread.sleep(interval);
                appendSnapshot();
            }
        } catch (InterruptedException closed) {
            // close() ends the writer
        }
    }

    /** One line; also written once when closing, so a short run leaves a snapshot. */
    void appendSnapshot() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.now().toString());
        line.put("status", status.get());
        line.put("meters", meters());
        try {
            Files.write(file, (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            failing = false;
        } catch (IOException e) {
            if (!failing) {
                System.err.println("loomtunnel: cannot append metrics to " + file + ": " + e.getMessage());
            }
            failing = true;
        }
    }

    private List<Map<String, Object>> meters() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Meter m : registry.getMeters()) {
            Map<String, Object> meter = new LinkedHashMap<>();
            meter.put("name", m.getId().getName());
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag t : m.getId().getTagsAsIterable()) {
                tags.put(t.getKey(), t.getValue());
            }
            meter.put("tags", tags);
            Map<String, Double> values = new LinkedHashMap<>();
            for (Measurement v : m.measure()) {
                double d = v.getValue();
                if (Double.isFinite(d)) {
                    values.put(v.getStatistic().getTagValueRepresentation(), d);
                }
            }
            meter.put("values", values);
            out.add(meter);
        }
        return out;
    }

    @Override
    public void close() {
        threads.close();
        appendSnapshot();
    }
}
