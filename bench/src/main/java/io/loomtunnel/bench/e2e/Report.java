package io.loomtunnel.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Markdown table of a run and where it stands against the product brief's targets. */
final class Report {
    private Report() {}

    /** Rows scenario/metric; columns every target, then loomtunnel ÷ each peer. */
    static String table(Results r) {
        List<String> peers = r.targets.stream().filter(t -> !t.equals(Peers.RAW) && !t.equals(Peers.LOOMTUNNEL)).toList();
        StringBuilder md = new StringBuilder("| scenario | metric |");
        r.targets.forEach(t -> md.append(' ').append(t).append(" |"));
        peers.forEach(p -> md.append(" loomtunnel ÷ ").append(p).append(" |"));
        md.append("\n| --- | --- |").append(" ---: |".repeat(r.targets.size() + peers.size())).append('\n');
        for (Map.Entry<String, Map<String, Map<String, Double>>> scenario : r.figures.entrySet()) {
            Set<String> metrics = new LinkedHashSet<>();
            scenario.getValue().values().forEach(m -> metrics.addAll(m.keySet()));
            for (String metric : metrics) {
                md.append("| ").append(scenario.getKey()).append(" | ").append(metric).append(" |");
                for (String t : r.targets) {
                    md.append(' ').append(format(r.get(scenario.getKey(), t, metric))).append(" |");
                }
                Double ours = r.get(scenario.getKey(), Peers.LOOMTUNNEL, metric);
                for (String p : peers) {
                    Double theirs = r.get(scenario.getKey(), p, metric);
                    md.append(' ').append(ours == null || theirs == null || theirs == 0 ? "–"
                            : String.format("%.2f", ours / theirs)).append(" |");
                }
                md.append('\n');
            }
        }
        r.errors.forEach((scenario, byTarget) -> byTarget.forEach((t, e) ->
                md.append("\n").append(scenario).append(" / ").append(t).append(": ").append(e)));
        return md.toString();
    }

    private static String format(Double v) {
        if (v == null) {
            return "–";
        }
        return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.1f", v);
    }

    /** PASS/FAIL per target of the brief (docs: /work/shared/BRIEF.md, "Targets"); n/a when a figure is missing. */
    static List<String> brief(Results r) {
        List<String> lines = new ArrayList<>();
        Double ourP50 = r.get("latency", Peers.LOOMTUNNEL, "64 B p50 added µs");
        Double sshP50 = r.get("latency", Peers.SSH_L, "64 B p50 added µs");
        lines.add(verdict("latency: 64 B p50 overhead below OpenSSH's (ssh -L)", ourP50, sshP50,
                ourP50 != null && sshP50 != null && ourP50 < sshP50, "µs vs"));
        Double ourP99 = r.get("latency", Peers.LOOMTUNNEL, "64 B p99 added µs");
        lines.add(verdict("latency: 64 B p99 overhead < 250 µs", ourP99, 250.0, ourP99 != null && ourP99 < 250, "µs, target"));
        for (String direction : List.of("up", "down")) {
            String metric = "1 stream " + direction + " MB/s";
            Double ours = r.get("throughput", Peers.LOOMTUNNEL, metric);
            Double ssh = r.get("throughput", Peers.SSH_L, metric);
            lines.add(verdict("throughput: single stream " + direction + " >= 1 GB/s with TLS", ours, 1000.0,
                    ours != null && ours >= 1000, "MB/s, target"));
            lines.add(verdict("throughput: single stream " + direction + " above OpenSSH's (ssh -L)", ours, ssh,
                    ours != null && ssh != null && ours > ssh, "MB/s vs"));
        }
        return lines;
    }

    private static String verdict(String what, Double ours, Double reference, boolean pass, String unit) {
        if (ours == null || reference == null) {
            return "n/a   " + what + " (figure missing)";
        }
        return String.format("%s  %s: %s %s %s", pass ? "PASS" : "FAIL", what, format(ours), unit, format(reference));
    }
}
