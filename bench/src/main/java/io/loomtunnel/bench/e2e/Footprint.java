package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Memory of running processes in MB (10^6 bytes): resident set from /proc, and for JVMs the live heap
 * from {@code jcmd PID GC.class_histogram}, which runs a full GC first and totals what survives it.
 */
final class Footprint {
    private static final long JCMD_SECONDS = 60;
    /** Settled RSS: first read this long after the full GC (the 5 s chunk pool cleaner, then a 2 s trim) ... */
    private static final long SETTLE_MIN_MILLIS = 8_000;
    /** ... then every second until two readings in a row agree within {@link #SETTLED_MB} ... */
    private static final long SETTLE_STEP_MILLIS = 1_000;
    private static final double SETTLED_MB = 0.5;
    /** ... or this long after the full GC. */
    private static final long SETTLE_MAX_MILLIS = 20_000;

    private Footprint() {}

    /**
     * For each role, "ROLE RSS MB" and, when it is a JVM, "ROLE heap MB". Under load RSS is read first,
     * as the process stands; settled, after the heap reading's full GC (which may return heap to the
     * OS) and once RSS has stopped falling ({@link #settledResidentMegabytes}), so that readings of one
     * process do not depend on whether an earlier reading collected it or on how recently.
     */
    static Map<String, Double> of(Map<String, Long> processes, boolean settled) throws Exception {
        Map<String, Double> rss = new LinkedHashMap<>();
        Map<String, Double> heap = new LinkedHashMap<>();
        for (int pass = 0; pass < 2; pass++) {
            for (Map.Entry<String, Long> p : processes.entrySet()) {
                if ((pass == 0) != settled) {
                    long pid = p.getValue();
                    rss.put(p.getKey() + " RSS MB", settled ? settledResidentMegabytes(pid) : residentMegabytes(pid));
                } else if (isJvm(p.getValue())) {
                    heap.put(p.getKey() + " heap MB", liveHeapMegabytes(p.getValue()));
                }
            }
        }
        rss.putAll(heap);
        return rss;
    }

    /**
     * RSS once it has settled after the full GC: read {@link #SETTLE_MIN_MILLIS} ms after it, then every
     * second until two readings in a row agree within {@link #SETTLED_MB} MB, at most until
     * {@link #SETTLE_MAX_MILLIS} ms. A JVM hands memory back to the OS seconds after it stops using it
     * (the JIT's arenas go to a chunk pool emptied every 5 s, which the launcher's native heap trim
     * returns every 2 s; G1 uncommits in the background), so a reading right after the full GC counts
     * memory an idle server no longer holds: 119-131 MB against 112 MB once settled in one run.
     */
    static double settledResidentMegabytes(long pid) throws Exception {
        long start = System.nanoTime();
        Thread.sleep(SETTLE_MIN_MILLIS);
        double last = residentMegabytes(pid);
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MILLIS)) {
            Thread.sleep(SETTLE_STEP_MILLIS);
            double now = residentMegabytes(pid);
            if (Math.abs(now - last) < SETTLED_MB) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /**
     * VmRSS of a process without children. For a tree (socat forks one process per connection, sshd
     * one per session) the sum of Pss over the tree instead: shared pages split among their sharers,
     * or libc would count once per forked process.
     */
    static double residentMegabytes(long pid) throws IOException {
        List<Long> children = ProcessHandle.of(pid).map(h -> h.descendants().map(ProcessHandle::pid).toList())
                .orElseThrow(() -> new IOException("process " + pid + " is gone"));
        if (children.isEmpty()) {
            return kilobytes(Path.of("/proc", String.valueOf(pid), "status"), "VmRSS:") * 1024 / 1e6;
        }
        long kib = 0;
        for (long p : Stream.concat(Stream.of(pid), children.stream()).toList()) {
            try {
                kib += kilobytes(Path.of("/proc", String.valueOf(p), "smaps_rollup"), "Pss:");
            } catch (IOException gone) {
                // a child that exited while we read: it holds nothing any more
            }
        }
        return kib * 1024 / 1e6;
    }

    /** Bytes of live objects after a full GC, in MB. */
    static double liveHeapMegabytes(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Path out = Files.createTempFile("jcmd", ".txt");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            boolean done = p.waitFor(JCMD_SECONDS, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            List<String> lines = Files.readAllLines(out);
            if (!done || p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " GC.class_histogram failed: "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
            }
            String total = lines.stream().filter(l -> l.startsWith("Total")).findFirst()
                    .orElseThrow(() -> new IOException("jcmd " + pid + ": no Total line in the class histogram"));
            return Long.parseLong(total.trim().split("\\s+")[2]) / 1e6;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean isJvm(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "exe")).getFileName().toString().equals("java");
        } catch (IOException e) {
            return false;
        }
    }

    private static long kilobytes(Path file, String field) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(file + " has no " + field);
    }
}
