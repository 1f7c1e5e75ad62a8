/**
 * Watching a running server or client: the admin endpoint, the JSON snapshot file and OTLP
 * export (docs/METRICS.md).
 *
 * <h2>Threads and locks</h2>
 * The admin endpoint's requests run on its own threads ({@code "loomtunnel admin :PORT:
 * request"}) and the snapshot file has a writer thread; closing joins them. {@code LogRing}'s
 * lock is a leaf held for a copy only.
 */
package io.loomtunnel.internal.admin;
