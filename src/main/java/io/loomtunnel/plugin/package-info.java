/**
 * The plugin SPI: traffic policies that run on a tunnel's traffic, found with
 * {@link java.util.ServiceLoader} as {@link io.loomtunnel.plugin.PolicyProvider}s and configured per
 * tunnel (docs/PLUGINS.md).
 *
 * <p>A {@link io.loomtunnel.plugin.Policy} has one hook per kind of traffic, each defaulting to
 * "continue": a TCP connection arrives, an HTTP request head arrives, its response head comes back,
 * body data flows either way in chunks, a UDP datagram arrives. The policies of a tunnel run in
 * their declared order as one chain; a hook that throws or overruns its time fails that one
 * request, connection or datagram closed, and the tunnel goes on.
 */
package io.loomtunnel.plugin;
