package io.loomtunnel.natlab;

/**
 * How a lab router maps its LAN's connections onto its one public address. Both types filter
 * alike: conntrack lets a packet in from the public side only when it belongs to a connection (or
 * UDP flow) a LAN host started, matched on the remote address <em>and</em> port
 * (address-and-port-dependent filtering, RFC 4787); everything else addressed to the router is
 * dropped, with no RST or ICMP answer, as home routers do. No port is forwarded.
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
    SYMMETRIC(" --random-fully");

    private final String masqueradeOptions;

    NatType(String masqueradeOptions) {
        this.masqueradeOptions = masqueradeOptions;
    }

    /**
     * The router's whole ruleset in iptables-restore format: masquerade out of {@code wan};
     * from {@code wan}, only what conntrack ties to an existing connection gets in, to the router
     * itself (INPUT) or through it (FORWARD).
     */
    String rules() {
        return String.join("\n",
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
                ":OUTPUT ACCEPT [0:0]",
                "-A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A INPUT -i wan -j DROP",
                "-A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
                "-A FORWARD -i wan -j DROP",
                "COMMIT",
                "");
    }
}
