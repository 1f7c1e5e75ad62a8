package io.loomtunnel.soak;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * soak.png: four panels over the run's time (from the start of the traffic) (RSS, heap in use, OS threads, open descriptors), one
 * line per process (a role's processes share its colour; a restart starts a new line), the judged
 * second and last quarters shaded, and a numbered mark at each fault (the numbers of soak.json's
 * faults). Java2D, headless.
 */
final class SoakPlot {
    private static final int WIDTH = 1400;
    private static final int PANEL = 230;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 70;
    private static final int GAP = 40;
    private static final Color[] COLOURS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};

    private record Metric(String title, ToDoubleFunction<Sampler.Sample> value) {}

    private static final List<Metric> METRICS = List.of(
            new Metric("RSS (MiB)", s -> s.rssKb() / 1024.0),
            new Metric("heap in use (MiB)", s -> s.heapBytes() < 0 ? Double.NaN : s.heapBytes() / 1048576.0),
            new Metric("OS threads", Sampler.Sample::threads),
            new Metric("open file descriptors", Sampler.Sample::fds));

    private SoakPlot() {}

    static void write(Report report, Path file) throws IOException {
        Report.Document d = report.document;
        List<Sampler.Sample> samples = d.samples();
        int height = TOP + METRICS.size() * (PANEL + GAP) + 40;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString("loomtunnel soak, " + d.minutes() + " min: " + (d.pass() ? "PASS" : "FAIL: " + d.reason()), LEFT, 24);

        Map<String, Color> roles = new LinkedHashMap<>();
        for (Sampler.Sample s : samples) {
            roles.computeIfAbsent(s.role(), r -> COLOURS[roles.size() % COLOURS.length]);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x = LEFT;
        for (Map.Entry<String, Color> e : roles.entrySet()) {
            g.setColor(e.getValue());
            g.fillRect(x, 38, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), x + 18, 50);
            x += 30 + g.getFontMetrics().stringWidth(e.getKey());
        }
        g.drawString("x: time since the traffic began; shaded: the quarters compared; red: faults (numbers as in soak.json)", x + 20, 50);

        Axis axis = new Axis(d.runStartMs(), Math.max(d.runEndMs(), samples.stream().mapToLong(Sampler.Sample::t).max().orElse(0)) + 1);
        for (int i = 0; i < METRICS.size(); i++) {
            panel(g, METRICS.get(i), samples, d, roles, axis, TOP + i * (PANEL + GAP), i == 0);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    /** Time from the start of the traffic ({@code from}, ms on the run's clock) to {@code to}, across the panel's width. */
    private record Axis(long from, long to) {
        static final int W = WIDTH - LEFT - RIGHT;

        int x(long t) {
            return LEFT + (int) Math.round((double) (t - from) / (to - from) * W);
        }
    }

    private static void panel(Graphics2D g, Metric metric, List<Sampler.Sample> samples, Report.Document d, Map<String, Color> roles,
            Axis axis, int top, boolean numberFaults) {
        int w = Axis.W;
        double yMax = samples.stream().mapToDouble(metric.value()).filter(v -> !Double.isNaN(v)).max().orElse(1);
        double step = niceStep(yMax / 5);
        yMax = Math.max(step, Math.ceil(yMax / step) * step);
        long quarter = (d.runEndMs() - d.runStartMs()) / 4;
        g.setColor(new Color(0xeeeeee));
        for (int q : new int[] {1, 3}) {
            int x0 = axis.x(d.runStartMs() + q * quarter);
            g.fillRect(x0, top, axis.x(d.runStartMs() + (q + 1) * quarter) - x0, PANEL);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double v = 0; v <= yMax + step / 2; v += step) {
            int y = yOf(v, yMax, top);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, y, LEFT + w, y);
            g.setColor(Color.DARK_GRAY);
            String label = step < 1 ? String.format("%.1f", v) : String.format("%.0f", v);
            g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), y + 4);
        }
        long tick = tick(axis.to() - axis.from());
        for (long t = 0; t <= axis.to() - axis.from(); t += tick) {
            g.drawString(Soak.minutes(t), axis.x(axis.from() + t) - 10, top + PANEL + 14);
        }
        g.setColor(new Color(0xcc3333));
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {3f, 3f}, 0f));
        for (FaultLog.Entry f : d.faults()) {
            int px = axis.x(f.startMs());
            g.drawLine(px, top, px, top + PANEL);
            if (numberFaults) {
                g.drawString(Integer.toString(f.number()), px + 2, top + 11);
            }
        }
        g.setStroke(new BasicStroke(1.6f));
        Map<String, Path2D> lines = new LinkedHashMap<>();
        Map<String, String> roleOf = new LinkedHashMap<>();
        for (Sampler.Sample s : samples) {
            double v = metric.value().applyAsDouble(s);
            if (Double.isNaN(v) || s.t() < axis.from()) {
                continue;
            }
            double px = axis.x(s.t());
            double py = yOf(v, yMax, top);
            Path2D p = lines.get(s.process());
            if (p == null) {
                p = new Path2D.Double();
                p.moveTo(px, py);
                lines.put(s.process(), p);
                roleOf.put(s.process(), s.role());
            } else {
                p.lineTo(px, py);
            }
        }
        for (Map.Entry<String, Path2D> e : lines.entrySet()) {
            g.setColor(roles.get(roleOf.get(e.getKey())));
            g.draw(e.getValue());
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, top, w, PANEL);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(metric.title(), LEFT + 6, top - 6);
    }

    private static int yOf(double v, double yMax, int top) {
        return top + PANEL - (int) Math.round(v / yMax * PANEL);
    }

    /** Time between labels on the x axis (m:ss since the traffic began): about a dozen labels. */
    private static long tick(long span) {
        for (long t : new long[] {5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000}) {
            if (span / t <= 12) {
                return t;
            }
        }
        return 3_600_000;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
