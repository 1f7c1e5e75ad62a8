/**
 * Traffic policies at run time (docs/PLUGINS.md): {@link io.loomtunnel.internal.policy.PolicyRegistry}
 * finds the providers (built-in ones on loomtunnel's class path, custom ones in a plugin directory's
 * jars) and makes {@link io.loomtunnel.internal.policy.PolicyChain}s, which the ingresses run.
 * One thread: each registry's {@link io.loomtunnel.internal.policy.HookWatchdog}, which interrupts a
 * hook call past its bound, once.
 *
 * <h2>Lock order</h2>
 * Three leaves, never held together: the fault log's, {@code HookWatchdog.interrupting} (one CAS
 * and one {@code Thread.interrupt()} under it) and {@code HookWatchdog.life} (starting and closing
 * the watchdog's thread). No hook is ever called under a lock of this package.
 */
package io.loomtunnel.internal.policy;
