/**
 * The meters of a server or client (docs/METRICS.md): cheap counters on the hot paths, Micrometer
 * meters that read them, throughput windows.
 *
 * <h2>Threads and locks</h2>
 * {@link io.loomtunnel.internal.metrics.EndpointMetrics} owns one sampler thread, joined on close.
 * {@code RateWindow}'s lock is a leaf (sampled once a second, read by status requests); counts
 * are atomic and take no lock.
 */
package io.loomtunnel.internal.metrics;
