package io.loomtunnel.bench;

import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.mux.MuxStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

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
                long base = HeapProbe.usedAfterGc(memory);
                Map<String, long[]> before = HeapProbe.histogram();
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
                long used = HeapProbe.usedAfterGc(memory);
                lastHistogramDelta = HeapProbe.diff(before, HeapProbe.histogram());
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
        HeapProbe.printTopClasses(lastHistogramDelta, streams, "stream",
                "both sides; an instance count of 2.00 is one per side");
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
            long[] live = HeapProbe.histogram().get(MuxStream.class.getName());
            if (live == null || live[0] == 0) {
                return;
            }
            Thread.sleep(100);
        }
        System.out.println("warning: streams of a closed session pair are still reachable after 5 s");
    }
}
