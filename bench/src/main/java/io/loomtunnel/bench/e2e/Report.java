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
        List<String> targets = r.targets();
        List<String> peers = targets.stream().filter(t -> !t.equals(Peers.RAW) && !t.equals(Peers.LOOMTUNNEL)).toList();
        StringBuilder md = new StringBuilder("| scenario | metric |");
        targets.forEach(t -> md.append(' ').append(t).append(" |"));
        peers.forEach(p -> md.append(" loomtunnel ÷ ").append(p).append(" |"));
        md.append("\n| --- | --- |").append(" ---: |".repeat(targets.size() + peers.size())).append('\n');
        for (Map.Entry<String, Map<String, Map<String, Double>>> scenario : r.figures.entrySet()) {
            Set<String> metrics = new LinkedHashSet<>();
            scenario.getValue().values().forEach(m -> metrics.addAll(m.keySet()));
            for (String metric : metrics) {
                md.append("| ").append(scenario.getKey()).append(" | ").append(metric).append(" |");
                for (String t : targets) {
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
        Double sshP50 = bestOpenSsh(r, "latency", "64 B p50 added µs", false);
        lines.add(verdict("latency: 64 B p50 overhead at or below OpenSSH's best (" + bestName(r, "latency",
                "64 B p50 added µs", false) + ")", ourP50, sshP50, ourP50 != null && sshP50 != null && ourP50 <= sshP50,
                "µs vs"));
        Double ourP99Added = r.get("latency", Peers.LOOMTUNNEL, "64 B p99 added µs");
        Double sshP99 = bestOpenSsh(r, "latency", "64 B p99 added µs", false);
        lines.add(verdict("latency: 64 B p99 overhead at most 1.5x OpenSSH's best", ourP99Added,
                sshP99 == null ? null : sshP99 * 1.5, ourP99Added != null && sshP99 != null && ourP99Added <= sshP99 * 1.5,
                "µs, target"));
        Double ourP99 = r.get("latency", Peers.LOOMTUNNEL, "64 B p99 added µs");
        lines.add(verdict("latency: 64 B p99 overhead < 250 µs", ourP99, 250.0, ourP99 != null && ourP99 < 250, "µs, target"));
        for (String direction : List.of("up", "down")) {
            String metric = "1 stream " + direction + " MB/s";
            Double ours = r.get("throughput", Peers.LOOMTUNNEL, metric);
            lines.add(verdict("throughput: single stream " + direction + " >= 1 GB/s with TLS", ours, 1000.0,
                    ours != null && ours >= 1000, "MB/s, target"));
            for (String streams : List.of("1 stream ", "10 streams ")) {
                String m = streams + direction + " MB/s";
                Double mine = r.get("throughput", Peers.LOOMTUNNEL, m);
                Double ssh = bestOpenSsh(r, "throughput", m, true);
                lines.add(verdict("throughput: " + streams + direction + " >= 1.5x OpenSSH's best ("
                        + bestName(r, "throughput", m, true) + ")", mine, ssh == null ? null : ssh * 1.5,
                        mine != null && ssh != null && mine >= ssh * 1.5, "MB/s, target"));
            }
        }
        Double streams = r.get("streams", Peers.LOOMTUNNEL, "connections");
        Double errors = r.get("streams", Peers.LOOMTUNNEL, "errors");
        String what = String.format("streams: %,d concurrent connections through one tunnel with 0 errors",
                StreamsScenario.FULL_CONNECTIONS);
        lines.add(streams != null && streams < StreamsScenario.FULL_CONNECTIONS
                ? String.format("n/a   %s (this run opened %,.0f)", what, streams)
                : verdict(what, errors, 0.0, errors != null && errors == 0, "errors, target"));
        for (String tunnels : List.of("1 client × 1,000 tunnels", "100 clients × 10 tunnels")) {
            Double rss = r.get("memory", Peers.LOOMTUNNEL, "server RSS MB, " + tunnels);
            lines.add(verdict("memory: server RSS < 100 MB with " + tunnels, rss, 100.0, rss != null && rss < 100,
                    "MB, target"));
        }
        Double perTunnel = r.get("memory", Peers.LOOMTUNNEL, "RSS KB per tunnel (one client)");
        lines.add(verdict("memory: marginal RSS per idle tunnel < 32 KB", perTunnel, 32.0,
                perTunnel != null && perTunnel < 32, "KB, target"));
        Double ready = r.get("startup", Peers.LOOMTUNNEL, "server ready ms");
        lines.add(verdict("start-up: a fresh server accepts within 0.5 s", ready, 500.0, ready != null && ready < 500,
                "ms, target"));
        Double firstSeconds = r.get("startup", Peers.LOOMTUNNEL, StartupScenario.RATIO);
        lines.add(verdict("warm-up: the first 5 s through a fresh server and client >= 70 % of warm", firstSeconds,
                70.0, firstSeconds != null && firstSeconds >= 70, "%, target"));
        Double idle = r.get("memory", Peers.LOOMTUNNEL, "server RSS MB, no client");
        lines.add(verdict("memory: idle server RSS <= 60 MB", idle, 60.0, idle != null && idle <= 60, "MB, target"));
        Double idleConnections = r.get("memory", Peers.LOOMTUNNEL, "server RSS MB, 1 tunnel + 1,000 idle connections");
        lines.add(verdict("memory: server RSS < 100 MB with 1,000 idle connections", idleConnections, 100.0,
                idleConnections != null && idleConnections < 100, "MB, target"));
        Double perConnection = r.get("memory", Peers.LOOMTUNNEL, "RSS KB per idle connection");
        if (perConnection != null) {
            lines.add(String.format("info  memory: 100,000 idle connections would take %s MB of server RSS on paper"
                    + " (%s KB each)", format(perConnection * 100), format(perConnection)));
        }
        http(r, lines);
        return lines;
    }

    /** Info lines (no target of the brief) that put the http scenario's HTTP/2 and HTTPS rows beside their references. */
    private static void http(Results r, List<String> lines) {
        Double h1 = r.get("http", Peers.LOOMTUNNEL, H2loadRows.HTTP1 + "requests/s");
        for (String row : List.of(H2loadRows.H2C, H2loadRows.H2C_MULTIPLEXED, H2loadRows.H2_TLS)) { // HTTPS: below
            Double h2 = r.get("http", Peers.LOOMTUNNEL, row + "requests/s");
            if (h1 != null && h2 != null && h1 > 0) {
                lines.add(String.format("info  http: %srequests/s through loomtunnel %s, %.2fx its HTTP/1.1 ingress (h2load, 8 connections)",
                        row.substring("h2load ".length()), format(h2), h2 / h1));
            }
        }
        Double https = r.get("http", Peers.LOOMTUNNEL, H2loadRows.HTTPS + "requests/s");
        for (String peer : List.of(Peers.LOOMTUNNEL, Peers.SSH_L)) {
            Double plain = r.get("http", peer, H2loadRows.HTTP1 + "requests/s");
            if (https != null && plain != null && plain > 0) {
                lines.add(String.format("info  http: HTTPS through loomtunnel %s requests/s, %.2fx %s's plain HTTP/1.1 (h2load, 8 connections)",
                        format(https), https / plain, peer));
            }
        }
    }

    /** The best figure of any OpenSSH column (highest when {@code higherIsBetter}, else lowest), or null. */
    private static Double bestOpenSsh(Results r, String scenario, String metric, boolean higherIsBetter) {
        String name = bestName(r, scenario, metric, higherIsBetter);
        return name.equals("none") ? null : r.get(scenario, name, metric);
    }

    private static String bestName(Results r, String scenario, String metric, boolean higherIsBetter) {
        String best = "none";
        Double bestValue = null;
        for (String peer : Peers.OPENSSH) {
            Double v = r.get(scenario, peer, metric);
            if (v != null && (bestValue == null || (higherIsBetter ? v > bestValue : v < bestValue))) {
                best = peer;
                bestValue = v;
            }
        }
        return best;
    }

    private static String verdict(String what, Double ours, Double reference, boolean pass, String unit) {
        if (ours == null || reference == null) {
            return "n/a   " + what + " (figure missing)";
        }
        return String.format("%s  %s: %s %s %s", pass ? "PASS" : "FAIL", what, format(ours), unit, format(reference));
    }
}
