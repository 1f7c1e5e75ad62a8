package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the relay processes spent on a stretch of load, per unit of it (round trip, request): their
 * context switches (voluntary + involuntary, summed over every thread in /proc/PID/task/TID/status)
 * and their CPU time. A thread wake-up is a context switch whatever the machine's load, so these
 * compare builds where latency on a shared machine cannot. Threads that end between two readings
 * are lost; the scenarios that use it keep theirs.
 *
 * @param switches context switches of every process and its live children so far
 * @param cpuSeconds CPU seconds of every process and its live children so far ({@link CpuTime})
 */
record RelayCost(long switches, double cpuSeconds) {

    /** The relays' readings now. */
    static RelayCost of(Map<String, Long> processes) {
        return new RelayCost(processes.values().stream().mapToLong(pid -> CpuTime.overTree(pid, RelayCost::threads)).sum(),
                processes.values().stream().mapToDouble(CpuTime::seconds).sum());
    }

    /**
     * Adds "LABEL relay context switches per UNIT" and "LABEL relay CPU µs per UNIT" for what the
     * relays spent since this reading over {@code units}; nothing for a target without relays (raw TCP).
     */
    void since(Map<String, Long> processes, long units, String label, String unit, Map<String, Double> figures) {
        if (processes.isEmpty() || units == 0) {
            return;
        }
        RelayCost now = of(processes);
        figures.put(label + "relay context switches per " + unit, (double) (now.switches - switches) / units);
        figures.put(label + "relay CPU µs per " + unit, (now.cpuSeconds - cpuSeconds) * 1e6 / units);
    }

    private static long threads(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            return tasks.mapToLong(RelayCost::thread).sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static long thread(Path task) {
        try {
            long n = 0;
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return n;
        } catch (IOException | RuntimeException gone) {
            return 0; // the thread ended meanwhile
        }
    }
}
