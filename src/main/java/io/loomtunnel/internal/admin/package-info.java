/**
 * Watching a running server or client: the admin endpoint, the JSON snapshot file and OTLP
 * export (docs/METRICS.md), and who may use the endpoint ({@code AdminGuard}, docs/SECURITY.md).
 *
 * <h2>Threads and locks</h2>
 * The admin endpoint's requests run on its own threads ({@code "loomtunnel admin :PORT:
 * request"}) and the snapshot file has a writer thread; closing joins them. {@code LogRing}'s
 * lock is a leaf held for a copy only; so are the locks of the penalties ({@code
 * internal.limits.PenaltyBox}), {@code BrowserSession} and the refusal log ({@code
 * internal.limits.RefusalLog}) (each its own
 * monitor, held for a look-up or an update; a request takes them one after the other, never two
 * at once, and logs outside them).
 */
package io.loomtunnel.internal.admin;
