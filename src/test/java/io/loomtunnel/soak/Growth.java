package io.loomtunnel.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * Whether a process grew after warm-up: for every process that was running before the second
 * quarter of the run began and still ran in the last, the median of its last-quarter samples against the median of its
 * second-quarter samples, per metric, within a tolerance of max(absolute, relative). The first
 * quarter is warm-up (JIT, heap sizing, pools filling) and is not judged. Heap is sampled and
 * plotted but not judged: its sawtooth says nothing about a leak at this sample rate, and a leak
 * shows as RSS growth or, in the end, a crash.
 */
final class Growth {
    /** One metric's tolerance: growth up to {@code absolute} or {@code relative} of the second quarter's median, whichever is larger. */
    record Tolerance(String metric, ToLongFunction<Sampler.Sample> value, double absolute, double relative, String unit) {}

    /** The judgement of one metric of one process. */
    record Judgement(String process, String metric, double secondQuarter, double lastQuarter, double allowed, boolean ok, String unit) {}

    static final List<Tolerance> TOLERANCES = List.of(
            new Tolerance("rss", s -> s.rssKb() * 1024, 48 << 20, 0.25, "bytes"),
            new Tolerance("threads", Sampler.Sample::threads, 6, 0.15, "threads"),
            new Tolerance("fds", Sampler.Sample::fds, 24, 0.25, "descriptors"));

    private Growth() {}

    /** Judges the samples of a run that went from {@code from} to {@code to} (ms on the run's clock). */
    static List<Judgement> judge(List<Sampler.Sample> samples, long from, long to) {
        long quarter = (to - from) / 4;
        Map<String, Long> firstSeen = new TreeMap<>();
        samples.forEach(s -> firstSeen.merge(s.process(), s.t(), Math::min));
        Map<String, List<Sampler.Sample>> second = new TreeMap<>();
        Map<String, List<Sampler.Sample>> last = new TreeMap<>();
        for (Sampler.Sample s : samples) {
            if (firstSeen.get(s.process()) > from + quarter) {
                continue; // started during the second quarter or later: its own warm-up, not growth
            }
            if (s.t() >= from + quarter && s.t() < from + 2 * quarter) {
                second.computeIfAbsent(s.process(), k -> new ArrayList<>()).add(s);
            } else if (s.t() >= from + 3 * quarter && s.t() <= to) {
                last.computeIfAbsent(s.process(), k -> new ArrayList<>()).add(s);
            }
        }
        List<Judgement> out = new ArrayList<>();
        for (String process : second.keySet()) {
            List<Sampler.Sample> late = last.get(process);
            if (late == null) {
                continue; // killed on purpose meanwhile: not one process across both quarters
            }
            for (Tolerance t : TOLERANCES) {
                double before = median(second.get(process), t.value());
                double after = median(late, t.value());
                double allowed = before + Math.max(t.absolute(), t.relative() * before);
                out.add(new Judgement(process, t.metric(), before, after, allowed, after <= allowed, t.unit()));
            }
        }
        return out;
    }

    static double median(List<Sampler.Sample> samples, ToLongFunction<Sampler.Sample> value) {
        long[] v = samples.stream().mapToLong(value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    /** The first judgement that failed, as one line; null when all passed. */
    static String failure(List<Judgement> judgements) {
        return judgements.stream().filter(j -> !j.ok()).min(Comparator.comparing(Judgement::process))
                .map(j -> "growth: " + j.process() + " " + j.metric() + " " + show(j.secondQuarter(), j.unit()) + " in the second quarter, "
                        + show(j.lastQuarter(), j.unit()) + " in the last (allowed up to " + show(j.allowed(), j.unit()) + ")")
                .orElse(null);
    }

    static String show(double v, String unit) {
        return unit.equals("bytes") ? String.format("%.1f MiB", v / (1 << 20)) : String.format("%.0f %s", v, unit);
    }
}
