/**
 * What a reverse tunnel is: the spec a client registers ({@link io.loomtunnel.tunnel.TunnelSpec}),
 * its type, and the port ranges a server grants.
 */
package io.loomtunnel.tunnel;
