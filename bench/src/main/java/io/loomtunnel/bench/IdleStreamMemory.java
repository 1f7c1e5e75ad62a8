package io.loomtunnel.bench;

import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;

/**
 * Heap cost of an idle stream (a plain main, not JMH: heap-after-GC deltas need one quiet JVM):
 * opens 10,000 streams on one in-memory session pair, accepts them all, and divides the growth of
 * heap used after full GCs by 10,000, for both sides together and per class.
 *
 * <p>Run: {@code java -Xmx1g -cp bench/target/benchmarks.jar io.loomtunnel.bench.IdleStreamMemory}.
 */
public final class IdleStreamMemory {
    static final int STREAMS = 10_000;
    static final int ROUNDS = 3;

    private IdleStreamMemory() {}

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : STREAMS;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MuxConfig config = MuxConfig.defaults().withMaxStreams(2 * streams);
        long[] perStream = new long[ROUNDS];
        Map<String, long[]> lastHistogramDelta = Map.of();
        for (int round = 0; round < ROUNDS; round++) {
            List<MuxStream> opened = new ArrayList<>(streams);
            List<MuxStream> accepted = new ArrayList<>(streams);
            try (Pairs.MuxPair pair = Pairs.memory(config)) {
                // Let the sessions settle (first PING/ACK) before the baseline.
                pair.dialer().ping(Duration.ofSeconds(10));
                long base = usedAfterGc(memory);
                Map<String, long[]> before = histogram();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread acceptor = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < streams; i++) {
                            MuxStream s = pair.acceptor().accept(Duration.ofSeconds(30));
                            s.input();
                            s.output();
                            accepted.add(s);
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                });
                for (int i = 0; i < streams; i++) {
                    MuxStream s = pair.dialer().open(Duration.ofSeconds(30));
                    s.input();
                    s.output();
                    opened.add(s);
                }
                if (!acceptor.join(Duration.ofSeconds(60)) || failure.get() != null) {
                    throw new IllegalStateException("accepting " + streams + " streams failed", failure.get());
                }
                // Every ACK processed: a ping's answer comes after all frames sent before it.
                pair.dialer().ping(Duration.ofSeconds(10));
                pair.acceptor().ping(Duration.ofSeconds(10));
                long used = usedAfterGc(memory);
                lastHistogramDelta = diff(before, histogram());
                perStream[round] = (used - base) / streams;
                System.out.printf("round %d: %d streams open on each side (dialer %d, acceptor %d), heap used %+,d B"
                                + " => %,d B per stream (both sides)%n", round + 1, streams,
                        pair.dialer().streamCount(), pair.acceptor().streamCount(), used - base, perStream[round]);
                if (opened.size() != streams || accepted.size() != streams) {
                    throw new IllegalStateException("lost streams");
                }
                opened.clear();
                accepted.clear();
                pair.close();
                awaitGone(pair);
            }
        }
        long[] sorted = perStream.clone();
        Arrays.sort(sorted);
        long median = sorted[ROUNDS / 2];
        System.out.println();
        long histTotal = lastHistogramDelta.values().stream().mapToLong(v -> v[1]).sum();
        System.out.println("Top classes by growth per stream (last round, from GC.class_histogram, both sides;"
                + " an instance count of 2.00 is one per side):");
        System.out.printf("  %-60s %12s %12s%n", "class", "inst/stream", "B/stream");
        lastHistogramDelta.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(15)
                .forEach(e -> System.out.printf("  %-60s %12.2f %12.1f%n", e.getKey(),
                        e.getValue()[0] / (double) streams, e.getValue()[1] / (double) streams));
        System.out.printf("  %-60s %12s %12.1f%n", "(all classes)", "", histTotal / (double) streams);
        System.out.println();
        System.out.printf("IDLE STREAM HEAP: median of %d rounds = %,d B per stream for both sides together"
                + " (%,d B per side if the sides are symmetric); rounds: %s%n",
                ROUNDS, median, median / 2, Arrays.toString(perStream));
    }

    /**
     * Waits (bounded: 5 s) until no MuxStream of a closed pair is reachable, so the next round's
     * baseline does not count the last round's streams still held by exiting session threads.
     */
    static void awaitGone(Pairs.MuxPair pair) throws Exception {
        pair.dialer().awaitClosed(Duration.ofSeconds(5));
        pair.acceptor().awaitClosed(Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            long[] live = histogram().get(MuxStream.class.getName());
            if (live == null || live[0] == 0) {
                return;
            }
            Thread.sleep(100);
        }
        System.out.println("warning: streams of a closed session pair are still reachable after 5 s");
    }

    /** Heap used after GC, once it stops shrinking (bounded: at most 10 collections). */
    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long previous = Long.MAX_VALUE;
        long used = 0;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            used = memory.getHeapMemoryUsage().getUsed();
            if (i >= 2 && used >= previous - 1024) {
                break;
            }
            previous = used;
        }
        return used;
    }

    /** class name -> {instances, bytes}, from the GC.class_histogram diagnostic command (itself a full GC). */
    static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> result = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                result.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return result;
    }

    static Map<String, long[]> diff(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, long[]> d = new HashMap<>();
        after.forEach((k, v) -> {
            long[] b = before.getOrDefault(k, new long[2]);
            d.put(k, new long[] {v[0] - b[0], v[1] - b[1]});
        });
        return d;
    }
}
