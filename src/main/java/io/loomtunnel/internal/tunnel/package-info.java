/**
 * Reverse-tunnel plumbing shared by server, client and peer-to-peer: the stream preface and
 * tunnel messages (docs/protocol/TUNNEL.md), TCP splices, UDP ingress and service flows.
 *
 * <h2>Threads and locks</h2>
 * A splice runs on the caller's thread plus one helper it joins before returning; an
 * {@link io.loomtunnel.internal.tunnel.IdleWatch} owns one thread that aborts idle splices; a
 * {@link io.loomtunnel.internal.tunnel.UdpIngress} owns its receive thread and a
 * {@link io.loomtunnel.internal.tunnel.UdpServiceFlows} one thread per flow, each joined on
 * close. {@code UdpIngress}'s lock guards its flow maps and {@code UdpServiceFlows}' its flow
 * table; both are leaves and nothing blocks under them (datagrams are sent after they are released).
 * {@code IdleWatch} has no lock.
 */
package io.loomtunnel.internal.tunnel;
