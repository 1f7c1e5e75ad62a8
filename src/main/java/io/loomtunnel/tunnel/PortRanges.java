package io.loomtunnel.tunnel;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of TCP/UDP ports written as {@code 10000-20000,30000}: which remote ports a server lets
 * a client (or a token, or a key) use.
 *
 * @param ranges the ranges, in the order given
 */
public record PortRanges(List<Range> ranges) {
    /**
     * Inclusive range of ports.
     *
     * @param first the lowest port
     * @param last the highest port, at least {@code first}
     */
    public record Range(int first, int last) {
        /** Checks 1 &lt;= first &lt;= last &lt;= 65535. */
        public Range {
            if (first < 1 || last > 65_535 || first > last) {
                throw new IllegalArgumentException("port range " + first + "-" + last + " is not within 1-65535");
            }
        }
    }

    /** Every port from 1 to 65535. */
    public static final PortRanges ALL = new PortRanges(List.of(new Range(1, 65_535)));

    /** Copies the ranges. */
    public PortRanges {
        ranges = List.copyOf(ranges);
    }

    /**
     * Parses {@code 10000-20000,30000}; the message names the bad part.
     *
     * @param text comma-separated ports and ranges
     * @return the ranges
     * @throws IllegalArgumentException for a bad port or range
     */
    public static PortRanges parse(String text) {
        List<Range> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                out.add(dash < 0
                        ? new Range(Integer.parseInt(p), Integer.parseInt(p))
                        : new Range(Integer.parseInt(p.substring(0, dash).trim()), Integer.parseInt(p.substring(dash + 1).trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' in port list '" + text + "' is not a port or a range like 10000-20000");
            }
        }
        return new PortRanges(out);
    }

    /**
     * Whether {@code port} is in one of the ranges.
     *
     * @param port the port
     * @return true if it is
     */
    public boolean contains(int port) {
        for (Range r : ranges) {
            if (port >= r.first && port <= r.last) {
                return true;
            }
        }
        return false;
    }

    /**
     * The ranges as {@link #parse} reads them.
     *
     * @return e.g. {@code 10000-20000,30000}
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Range r : ranges) {
            sb.append(sb.isEmpty() ? "" : ",").append(r.first == r.last ? String.valueOf(r.first) : r.first + "-" + r.last);
        }
        return sb.toString();
    }
}
