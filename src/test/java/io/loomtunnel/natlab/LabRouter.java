package io.loomtunnel.natlab;

import java.net.InetAddress;
import java.util.List;

/** A NAT router of a lab: its public address on the public segment, its LAN, its NAT type and the hosts behind it. */
public record LabRouter(String name, String namespace, NatType natType, InetAddress publicAddress,
        InetAddress lanAddress, List<LabHost> hosts) {}
