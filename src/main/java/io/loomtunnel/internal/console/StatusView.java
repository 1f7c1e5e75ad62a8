package io.loomtunnel.internal.console;

import io.loomtunnel.observe.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Status} as text for people: a summary line and tables of sessions, tunnels and
 * streams, and the live view of {@code stats}. Columns are padded to their widest cell. A share's
 * or connect's sessions show their service and path (docs/P2P.md, "Status").
 */
public final class StatusView {
    /** One character per second, by its share of the busiest second; ASCII, so pipes and dumb terminals show it too. */
    private static final String BARS = " .:-=+*#%@";

    private StatusView() {}

    /** Everything: summary, sessions, tunnels (what {@code loomtunnel status} prints). */
    public static String full(Status s) {
        return summary(s) + "\n\n" + sessions(s) + "\n" + tunnels(s);
    }

    public static String summary(Status s) {
        return String.format(Locale.ROOT, "%s %s  id %s  up %s  sessions %d  tunnels %d  streams %d  in %s  out %s",
                s.role(), s.version(), abbreviated(s.id()), duration(s.uptimeSeconds()), s.totals().sessions(),
                s.totals().tunnels(), s.totals().streams(), rate(s.throughput().inPerSecond()),
                rate(s.throughput().outPerSecond()));
    }

    public static String sessions(Status s) {
        if (s.sessions().stream().anyMatch(x -> x.path() != null)) {
            return peerSessions(s);
        }
        Table t = new Table("SESSION", "PEER", "PRINCIPAL", "ADDRESS", "RTT", "UP", "STREAMS", "TUNNELS");
        for (Status.Session x : s.sessions()) {
            t.row(x.id(), x.peer(), x.principal(), x.address(), rtt(x.rttMillis()), duration(x.uptimeSeconds()),
                    String.valueOf(x.streams()), String.valueOf(x.tunnels().size()));
        }
        return t.render("no sessions");
    }

    /** A share's or connect's sessions: each with its service, its path and what went through it. */
    private static String peerSessions(Status s) {
        Table t = new Table("SESSION", "PEER", "SERVICE", "PATH", "RTT", "UP", "STREAMS", "BYTES IN", "BYTES OUT");
        for (Status.Session x : s.sessions()) {
            Status.Tunnel service = x.tunnels().isEmpty() ? null : x.tunnels().getFirst();
            t.row(x.id(), x.peer(), service == null ? "-" : service.name(), path(x), rtt(x.rttMillis()), duration(x.uptimeSeconds()),
                    String.valueOf(x.streams()), service == null ? "-" : bytes(service.bytesIn()),
                    service == null ? "-" : bytes(service.bytesOut()));
        }
        return t.render("no sessions");
    }

    /** As share and connect print it: {@code direct ADDRESS} or {@code relay via ADDRESS}. */
    static String path(Status.Session x) {
        return (x.path().equals("relay") ? "relay via " : x.path() + " ") + x.address();
    }

    public static String tunnels(Status s) {
        Table t = new Table("TUNNEL", "SESSION", "TYPE", "ADDRESS", "STREAMS", "IN/S", "OUT/S", "BYTES IN", "BYTES OUT",
                "DATAGRAMS IN/OUT/DROPPED");
        for (Status.Session x : s.sessions()) {
            for (Status.Tunnel u : x.tunnels()) {
                t.row(u.name(), x.id(), u.type(), u.address() + (u.local() == null ? "" : " -> " + u.local()),
                        String.valueOf(u.streams()), rate(u.inPerSecond()), rate(u.outPerSecond()), bytes(u.bytesIn()),
                        bytes(u.bytesOut()), u.datagramsIn() == null ? "-"
                                : u.datagramsIn() + "/" + u.datagramsOut() + "/" + u.datagramsDropped());
            }
        }
        return t.render("no tunnels");
    }

    /** Open streams per tunnel (the session's total counts both directions and HTTP requests in flight). */
    public static String streams(Status s) {
        Table t = new Table("SESSION", "TUNNEL", "OPEN STREAMS");
        for (Status.Session x : s.sessions()) {
            t.row(x.id(), "(all)", String.valueOf(x.streams()));
            for (Status.Tunnel u : x.tunnels()) {
                t.row(x.id(), u.name(), String.valueOf(u.streams()));
            }
        }
        return t.render("no sessions");
    }

    /** The live view: RTT per session, throughput now and over the last seconds as a bar per second. */
    public static String stats(Status s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s up %s   in %s   out %s   (last %d s)%n", s.role(), duration(s.uptimeSeconds()),
                rate(s.throughput().inPerSecond()), rate(s.throughput().outPerSecond()), s.throughput().windowSeconds()));
        b.append("in  ").append(bars(s.throughput().perSecond(), 0)).append('\n');
        b.append("out ").append(bars(s.throughput().perSecond(), 1)).append('\n');
        Table t = new Table("SESSION", "PEER", "RTT", "STREAMS", "IN/S", "OUT/S");
        for (Status.Session x : s.sessions()) {
            double in = x.tunnels().stream().mapToDouble(Status.Tunnel::inPerSecond).sum();
            double out = x.tunnels().stream().mapToDouble(Status.Tunnel::outPerSecond).sum();
            t.row(x.id(), x.peer(), rtt(x.rttMillis()), String.valueOf(x.streams()), rate(in), rate(out));
        }
        return b + t.render("no sessions");
    }

    private static String bars(List<long[]> perSecond, int index) {
        long max = perSecond.stream().mapToLong(p -> p[index]).max().orElse(0);
        StringBuilder b = new StringBuilder();
        for (long[] p : perSecond) {
            b.append(max == 0 ? BARS.charAt(0) : BARS.charAt((int) Math.round((BARS.length() - 1) * (double) p[index] / max)));
        }
        return b.toString();
    }

    static String bytes(double n) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (n >= 1000 && u < units.length - 1) {
            n /= 1000;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", n) : String.format(Locale.ROOT, "%.1f %s", n, units[u]);
    }

    static String rate(double bytesPerSecond) {
        return bytes(bytesPerSecond) + "/s";
    }

    static String rtt(Double millis) {
        return millis == null ? "-" : millis < 10 ? String.format(Locale.ROOT, "%.2f ms", millis)
                : String.format(Locale.ROOT, "%.0f ms", millis);
    }

    static String duration(double seconds) {
        long s = (long) seconds;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    private static String abbreviated(String id) {
        return id.length() > 12 ? id.substring(0, 12) + "..." : id;
    }

    /** A text table whose columns are as wide as their widest cell. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        String render(String whenEmpty) {
            if (rows.size() == 1) {
                return "(" + whenEmpty + ")\n";
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    widths[i] = Math.max(widths[i], r[i].length());
                }
            }
            StringBuilder b = new StringBuilder();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
                }
                b.append(line.toString().stripTrailing()).append('\n');
            }
            return b.toString();
        }
    }
}
