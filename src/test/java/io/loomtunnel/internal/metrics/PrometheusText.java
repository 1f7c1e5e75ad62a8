package io.loomtunnel.internal.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus text format (0.0.4) parsed line by line, strictly: every line is a comment
 * ({@code # HELP}, {@code # TYPE}), blank, or a sample {@code name{label="value",...} value}; a
 * sample's family must have had its {@code # TYPE}. Anything else fails the test that parses it.
 */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new HashMap<>();

    private PrometheusText() {}

    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty() || line.startsWith("# HELP ")) {
                continue;
            }
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                p.types.put(t.group(1), t.group(2));
                continue;
            }
            Matcher s = SAMPLE.matcher(line);
            if (!s.matches()) {
                throw new AssertionError("line " + n + " is not Prometheus text: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (s.group(3) != null) {
                Matcher l = LABEL.matcher(s.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2));
                    end = l.end();
                }
                if (end != s.group(3).length()) {
                    throw new AssertionError("line " + n + " has bad labels: " + line);
                }
            }
            String family = p.family(s.group(1));
            if (family == null) {
                throw new AssertionError("line " + n + ": sample without a # TYPE for its family: " + line);
            }
            p.samples.add(new Sample(s.group(1), labels, Double.parseDouble(s.group(4))));
        }
        return p;
    }

    /** The family a sample belongs to: its name, or its name less a histogram or summary suffix. */
    private String family(String name) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created", "_max")) {
            if (name.endsWith(suffix) && types.containsKey(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    public String type(String family) {
        return types.get(family);
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The value of the one sample with this name whose labels include {@code labels} (pairs), or null. */
    public Double value(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && has(s.labels(), labels)) {
                found.add(s);
            }
        }
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples match " + name + " " + List.of(labels) + ": " + found);
        }
        return found.isEmpty() ? null : found.get(0).value();
    }

    /** The value, or 0 when there is no such sample (a counter never incremented). */
    public double count(String name, String... labels) {
        Double v = value(name, labels);
        return v == null ? 0 : v;
    }

    private static boolean has(Map<String, String> actual, String[] pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(actual.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }
}
