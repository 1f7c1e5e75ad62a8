package io.loomtunnel.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Samples every live process of the cast at a fixed interval: resident memory and OS threads from
 * {@code /proc/PID/status}, open descriptors from {@code /proc/PID/fd}, heap in use from
 * {@link PerfData}. Bounded: at most {@link #MAX_SAMPLES} samples are kept.
 */
final class Sampler implements Runnable {
    static final int MAX_SAMPLES = 200_000;

    /** One process at one time; {@code heapBytes} is -1 where the JVM's counters could not be read. */
    record Sample(long t, String role, int generation, long pid, long rssKb, int threads, int fds, long heapBytes) {
        String process() {
            return role + "#" + generation;
        }
    }

    private final List<Member> members;
    private final Env env;
    private final long intervalMs;
    private final List<Sample> samples = new ArrayList<>(); // guarded by itself
    private volatile boolean stopping;

    Sampler(List<Member> members, Env env, long intervalMs) {
        this.members = List.copyOf(members);
        this.env = env;
        this.intervalMs = intervalMs;
    }

    @Override
    public void run() {
        while (!stopping) {
            sampleNow();
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        stopping = true;
    }

    /** Takes one sample of every live process now. */
    void sampleNow() {
        for (Member m : members) {
            Member.Instance i = m.current();
            if (i == null || !i.process.isAlive()) {
                continue;
            }
            Sample s = sample(m.role, i.generation, i.pid());
            if (s != null) {
                synchronized (samples) {
                    if (samples.size() < MAX_SAMPLES) {
                        samples.add(s);
                    }
                }
            }
        }
    }

    private Sample sample(String role, int generation, long pid) {
        long t = env.clock().now();
        try {
            long rss = -1;
            int threads = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
            int fds;
            try (Stream<Path> entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds = (int) entries.count();
            }
            return new Sample(t, role, generation, pid, rss, threads, fds, PerfData.heapUsed(pid).orElse(-1));
        } catch (IOException | RuntimeException gone) {
            return null; // it ended between the check and the read
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
