/**
 * Reverse-tunnel plumbing shared by server, client and peer-to-peer: the stream preface and
 * tunnel messages (docs/protocol/TUNNEL.md), TCP splices, UDP ingress and service flows.
 *
 * <h2>Threads and locks</h2>
 * A splice runs on the caller's thread plus one helper it joins before returning; a
 * {@link io.loomtunnel.internal.tunnel.UdpIngress} owns its receive thread and a
 * {@link io.loomtunnel.internal.tunnel.UdpServiceFlows} one thread per flow, each joined on
 * close. {@code UdpIngress}'s lock guards its flow maps and is a leaf (datagrams are sent after
 * it is released).
 */
package io.loomtunnel.internal.tunnel;
