/**
 * Traffic policies at run time (docs/PLUGINS.md): {@link io.loomtunnel.internal.policy.PolicyRegistry}
 * finds the providers (built-in ones on loomtunnel's class path, custom ones in a plugin directory's
 * jars) and makes {@link io.loomtunnel.internal.policy.PolicyChain}s, which the ingresses run.
 * No thread of its own and no lock but the fault log's (a leaf).
 */
package io.loomtunnel.internal.policy;
