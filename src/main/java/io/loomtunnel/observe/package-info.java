/**
 * Watching a server or client: what it publishes and serves ({@link io.loomtunnel.observe.ObserveSettings}),
 * a snapshot of its sessions and tunnels ({@link io.loomtunnel.observe.Status}) and a read-only view of
 * its meters ({@link io.loomtunnel.observe.Meters}). docs/METRICS.md names every meter.
 */
package io.loomtunnel.observe;
