package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/** CPU time (user + system) of processes and their live children, from /proc/PID/stat, in seconds. */
final class CpuTime {
    /** Clock ticks per second of /proc/PID/stat: USER_HZ, 100 on every Linux architecture Java runs on. */
    private static final double TICKS = 100;

    private CpuTime() {}

    /** For each role, its process tree's CPU seconds so far. */
    static Map<String, Double> of(Map<String, Long> processes) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        processes.forEach((role, pid) -> seconds.put(role, seconds(pid)));
        return seconds;
    }

    /** "ROLE CPU s": what each role used between two readings. */
    static Map<String, Double> used(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((role, s) -> used.put(role + " CPU s", s - before.getOrDefault(role, 0.0)));
        return used;
    }

    /** One process tree's CPU seconds so far. */
    static double seconds(long pid) {
        return overTree(pid, CpuTime::ticks) / TICKS;
    }

    /** {@code perProcess} summed over a process and its live children (0 for one that is gone). */
    static long overTree(long pid, ToLongFunction<Long> perProcess) {
        return ProcessHandle.of(pid).map(h -> Stream.concat(Stream.of(h), h.descendants())
                .mapToLong(p -> perProcess.applyAsLong(p.pid())).sum()).orElse(0L);
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the command, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException gone) {
            return 0; // exited meanwhile
        }
    }
}
