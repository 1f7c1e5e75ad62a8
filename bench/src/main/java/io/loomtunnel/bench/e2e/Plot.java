package io.loomtunnel.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The plot of a run, as SVG: one panel of horizontal bars per kind of figure (latency percentiles,
 * throughput, ...), a group of bars per metric and a bar per tool; latencies on a log scale.
 */
final class Plot {
    private static final int WIDTH = 960;
    private static final int LABEL = 230;
    private static final int BARS = 600;
    private static final int BAR = 11;
    private static final int GROUP_GAP = 8;
    private static final String[] COLORS = {"#8c8c8c", "#1f77b4", "#2ca02c", "#ff7f0e", "#d62728", "#ffbb78", "#ff9896"};

    /** A panel: the figures of {@code scenario} whose names {@code metrics} accepts, labelled without {@code drop}. */
    private record Panel(String title, String scenario, Predicate<String> metrics, boolean log, String drop) {
        Panel(String title, String scenario, Predicate<String> metrics, boolean log) {
            this(title, scenario, metrics, log, "");
        }

        String label(String metric) {
            return metric.startsWith(drop) ? metric.substring(drop.length()) : metric;
        }
    }

    private static final List<Panel> PANELS = List.of(
            new Panel("latency, 64 B round trip (µs, log scale)", "latency", m -> m.matches("64 B p[0-9.]+ µs"), true),
            new Panel("latency, 1 KiB round trip (µs, log scale)", "latency", m -> m.matches("1 KiB p[0-9.]+ µs"), true),
            new Panel("throughput (MB/s)", "throughput", m -> m.endsWith("MB/s"), false),
            new Panel("connections (connections/s)", "connections", m -> m.equals("connections/s"), false),
            new Panel("streams: 64 B round trip once a second on every connection (µs, log scale)", "streams",
                    m -> m.matches("p[0-9.]+ µs"), true),
            new Panel("streams: memory of the relay processes with every connection open (MB)", "streams",
                    m -> m.endsWith(" MB"), false),
            new Panel("memory: loomtunnel server RSS after a full GC (MB)", "memory", m -> m.startsWith("server RSS MB, "),
                    false, "server RSS MB, "),
            new Panel("http: keep-alive requests (requests/s)", "http", m -> m.equals("requests/s"), false),
            new Panel("http: request latency (µs, log scale)", "http", m -> m.matches("p[0-9.]+ µs"), true),
            new Panel("http: HTTPS and HTTP/2 (h2load) rows (requests/s)", "http",
                    m -> m.endsWith("requests/s") && !m.equals("requests/s"), false),
            new Panel("udp: echoes received (datagrams/s)", "udp", m -> m.endsWith("received/s"), false));

    private Plot() {}

    static String svg(Results r, String title) {
        List<String> tools = r.targets();
        StringBuilder body = new StringBuilder();
        int y = 30;
        for (int i = 0; i < tools.size(); i++) { // legend
            int x = 10 + i * 150;
            body.append(rect(x, y - 10, 10, 10, color(tools.get(i)))).append(text(x + 14, y, tools.get(i), "start", 12));
        }
        y += 20;
        for (Panel p : PANELS) {
            y = panel(body, r, tools, p, y);
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\"" + (y + 10)
                + "\" font-family=\"sans-serif\">\n" + rect(0, 0, WIDTH, y + 10, "#ffffff")
                + text(10, 14, "loomtunnel scripts/bench-e2e " + title, "start", 13) + body + "</svg>\n";
    }

    /** Draws one panel from {@code y}; returns where the next begins (unchanged when the run has no such figures). */
    private static int panel(StringBuilder svg, Results r, List<String> tools, Panel p, int y) {
        Map<String, Map<String, Double>> byTool = r.figures.getOrDefault(p.scenario(), Map.of());
        Set<String> metrics = new LinkedHashSet<>();
        byTool.values().forEach(m -> m.keySet().stream().filter(p.metrics()).forEach(metrics::add));
        List<Double> values = new ArrayList<>();
        byTool.values().forEach(m -> metrics.forEach(k -> {
            Double v = m.get(k);
            if (v != null && v > 0) {
                values.add(v);
            }
        }));
        if (values.isEmpty()) {
            return y;
        }
        Scale scale = Scale.of(p.log(), values.stream().min(Double::compare).get(), values.stream().max(Double::compare).get());
        svg.append(text(10, y + 16, p.title(), "start", 13));
        y += 26;
        int top = y;
        for (String metric : metrics) {
            List<String> present = tools.stream().filter(t -> byTool.getOrDefault(t, Map.of()).containsKey(metric)).toList();
            int height = present.size() * (BAR + 2);
            svg.append(text(LABEL - 8, y + height / 2 + 4, p.label(metric), "end", 11));
            for (String tool : present) {
                double v = byTool.get(tool).get(metric);
                int w = (int) Math.round(scale.fraction(v) * BARS);
                svg.append(rect(LABEL, y, Math.max(w, 1), BAR, color(tool)))
                        .append(text(LABEL + Math.max(w, 1) + 4, y + BAR - 1, format(v), "start", 10));
                y += BAR + 2;
            }
            y += GROUP_GAP;
        }
        for (double tick : scale.ticks()) { // grid lines over the panel
            int x = LABEL + (int) Math.round(scale.fraction(tick) * BARS);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#dddddd\"/>%n",
                    x, top - 4, x, y - GROUP_GAP)).append(text(x, y + 4, format(tick), "middle", 9));
        }
        return y + 24;
    }

    /** Linear from 0 to a round maximum, or log10 over whole decades. */
    private record Scale(boolean log, double lo, double hi) {
        static Scale of(boolean log, double min, double max) {
            if (!log) {
                return new Scale(false, 0, round(max));
            }
            double lo = Math.pow(10, Math.floor(Math.log10(min)));
            return new Scale(true, lo, Math.max(lo * 10, Math.pow(10, Math.ceil(Math.log10(max)))));
        }

        double fraction(double v) {
            if (!log) {
                return v / hi;
            }
            return v <= lo ? 0 : Math.log10(v / lo) / Math.log10(hi / lo);
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (double t = lo; t <= hi * 1.0001; t = log ? t * 10 : t + hi / 4) {
                ticks.add(t);
            }
            return ticks;
        }

        /** The next 1, 2 or 5 × 10^k at or above {@code v}. */
        private static double round(double v) {
            double decade = Math.pow(10, Math.floor(Math.log10(v)));
            for (double step : new double[] {1, 2, 5, 10}) {
                if (step * decade >= v) {
                    return step * decade;
                }
            }
            return 10 * decade;
        }
    }

    private static String color(String tool) {
        int i = Peers.NAMES.indexOf(tool);
        return COLORS[Math.max(0, i) % COLORS.length];
    }

    private static String rect(int x, int y, int w, int h, String fill) {
        return String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n", x, y, w, h, fill);
    }

    private static String text(int x, int y, String s, String anchor, int size) {
        String escaped = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
                x, y, size, anchor, escaped);
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
