/**
 * The built-in traffic policies' cores (docs/PLUGINS.md, "Built-in policies"): htpasswd files,
 * CIDR lists, per-visitor rate limits, header and path edits, redirects, request logs, circuit
 * breakers, webhook signatures and PROXY protocol headers. Each is a small class with no I/O of
 * the proxy path in it; the plugin wrappers adapt them to {@code io.loomtunnel.plugin}.
 *
 * <p>Locks: every lock here is a leaf (nothing else is taken while one is held).
 */
package io.loomtunnel.internal.policies;
