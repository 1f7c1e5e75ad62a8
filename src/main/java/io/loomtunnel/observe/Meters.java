package io.loomtunnel.observe;

/**
 * A read-only view of a server's or client's meters (docs/METRICS.md). The meters are counted by the
 * endpoint alone; to add them to an application's own Micrometer registry, pass it in
 * {@link ObserveSettings#registry()}.
 */
public interface Meters {
    /**
     * The role every meter is tagged with.
     *
     * @return {@code server} or {@code client}
     */
    String role();

    /**
     * Every meter in the Prometheus text format, as the admin endpoint's {@code /metrics} answers.
     *
     * @return the exposition text, one line per sample
     */
    String scrape();
}
