package io.loomtunnel.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.Map;
import javax.management.ObjectName;

/** Heap measurements for the idle-memory mains: heap used after GC, and class histograms and their differences. */
final class HeapProbe {
    private HeapProbe() {}

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

    /** Prints the classes that grew most, per counted thing, and the total the histogram accounts for. */
    static void printTopClasses(Map<String, long[]> delta, int count, String thing, String note) {
        long total = delta.values().stream().mapToLong(v -> v[1]).sum();
        System.out.println("Top classes by growth per " + thing + " (last round, from GC.class_histogram, " + note + "):");
        System.out.printf("  %-60s %12s %12s%n", "class", "inst/" + thing, "B/" + thing);
        delta.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(15)
                .forEach(e -> System.out.printf("  %-60s %12.2f %12.1f%n", e.getKey(),
                        e.getValue()[0] / (double) count, e.getValue()[1] / (double) count));
        System.out.printf("  %-60s %12s %12.1f%n", "(all classes)", "", total / (double) count);
    }
}
