/** loomtunnel: secure TCP/UDP/HTTP tunnels over multiplexed TLS 1.3 sessions on virtual threads. */
package io.loomtunnel;
