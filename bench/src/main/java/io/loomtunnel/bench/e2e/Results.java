package io.loomtunnel.bench.e2e;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of one run: per scenario, per target, named figures or the error that stopped them. */
final class Results {
    final Map<String, Map<String, Map<String, Double>>> figures = new LinkedHashMap<>();
    final Map<String, Map<String, String>> errors = new LinkedHashMap<>();

    /**
     * Records a target's figures, beside those it already has in this scenario; with {@code addedOverRaw},
     * "X µs" figures also get "X added µs" (minus raw TCP's).
     */
    void put(String scenario, String target, Map<String, Double> measured, boolean addedOverRaw) {
        figures.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).computeIfAbsent(target, k -> new LinkedHashMap<>())
                .putAll(measured);
        if (addedOverRaw) {
            addOverhead(scenario);
        }
    }

    void fail(String scenario, String target, String error) {
        errors.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(target, error);
    }

    /** The figure, or null when that target did not produce it. */
    Double get(String scenario, String target, String metric) {
        return figures.getOrDefault(scenario, Map.of()).getOrDefault(target, Map.of()).get(metric);
    }

    /** Targets with any figure, in the report's column order. */
    List<String> targets() {
        return Peers.NAMES.stream().filter(t -> figures.values().stream().anyMatch(s -> s.containsKey(t))).toList();
    }

    /** "X µs" becomes also "X added µs" (minus raw TCP's) for every target measured so far, raw TCP first. */
    private void addOverhead(String scenario) {
        Map<String, Double> raw = figures.get(scenario).get(Peers.RAW);
        if (raw == null) {
            return;
        }
        for (Map<String, Double> target : figures.get(scenario).values()) {
            for (Map.Entry<String, Double> e : List.copyOf(raw.entrySet())) {
                String metric = e.getKey();
                if (metric.endsWith(" µs") && !metric.contains("added") && target.containsKey(metric)) {
                    target.put(metric.replace(" µs", " added µs"), target.get(metric) - e.getValue());
                }
            }
        }
    }
}
