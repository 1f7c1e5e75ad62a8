package io.loomtunnel.natlab;

import java.util.ArrayList;
import java.util.List;

/**
 * How a lab router maps its LAN's connections onto its one public address, and how it answers
 * what nobody asked for. Every type filters alike: conntrack lets a packet in from the public side
 * only when it belongs to a connection (or UDP flow) a LAN host started, matched on the remote
 * address <em>and</em> port (address-and-port-dependent filtering, RFC 4787). Everything else
 * addressed to the router is dropped with no RST or ICMP answer, except by {@link #REJECTING},
 * which answers unsolicited TCP with RST. No port is forwarded.
 */
public enum NatType {
    /**
     * {@code iptables -t nat -A POSTROUTING -o wan -j MASQUERADE}. Linux keeps a connection's
     * source port whenever the translated connection stays unique, so one socket (one local port)
     * appears as {@code router:sameport} to every destination: endpoint-independent mapping with
     * port preservation, what TCP and UDP hole punching rely on. Caveat (real Linux, kept): each
     * new connection picks its own mapping, so a second LAN host using the same local port
     * towards the same destination gets another port.
     */
    ENDPOINT_INDEPENDENT(""),

    /**
     * {@code MASQUERADE --random-fully}: every new connection (every new remote address or port)
     * gets a random public source port (since Linux 5.0 {@code --random} means the same). The
     * mapping is per destination, so the port a peer learns from a server is useless for reaching
     * the peer directly: hole punching fails and traffic needs a relay.
     */
    SYMMETRIC(" --random-fully"),

    /**
     * Mapped as {@link #ENDPOINT_INDEPENDENT}, but an unsolicited TCP segment (a SYN nobody inside
     * asked for) is answered with RST ({@code REJECT --reject-with tcp-reset}), as many home routers
     * do; other unsolicited packets are dropped. The peer whose SYN comes too early sees
     * "connection refused", and the RST passes its own router as the reply to its SYN.
     */
    REJECTING("", "-A INPUT -i wan -p tcp -j REJECT --reject-with tcp-reset",
            "-A FORWARD -i wan -p tcp -j REJECT --reject-with tcp-reset");

    private final String masqueradeOptions;
    private final List<String> rejects;

    NatType(String masqueradeOptions, String... rejects) {
        this.masqueradeOptions = masqueradeOptions;
        this.rejects = List.of(rejects);
    }

    /**
     * The router's whole ruleset in iptables-restore format: masquerade out of {@code wan};
     * from {@code wan}, only what conntrack ties to an existing connection gets in, to the router
     * itself (INPUT) or through it (FORWARD); the rest is rejected (where this type rejects) or dropped.
     */
    String rules() {
        List<String> filter = new ArrayList<>(List.of(
                "-A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"));
        filter.addAll(rejects);
        filter.addAll(List.of("-A INPUT -i wan -j DROP", "-A FORWARD -i wan -j DROP"));
        List<String> lines = new ArrayList<>(List.of(
                "*nat",
                ":PREROUTING ACCEPT [0:0]",
                ":INPUT ACCEPT [0:0]",
                ":OUTPUT ACCEPT [0:0]",
                ":POSTROUTING ACCEPT [0:0]",
                "-A POSTROUTING -o wan -j MASQUERADE" + masqueradeOptions,
                "COMMIT",
                "*filter",
                ":INPUT ACCEPT [0:0]",
                ":FORWARD ACCEPT [0:0]",
                ":OUTPUT ACCEPT [0:0]"));
        lines.addAll(filter);
        lines.addAll(List.of("COMMIT", ""));
        return String.join("\n", lines);
    }
}
