package io.loomtunnel.internal.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * The registry: every message type of the protocol, with its tag on the wire, its record, who
 * sends it to whom and the section of the spec that defines it. The protocol can be read here in
 * one sitting; the tables in docs/protocol/TUNNEL.md and P2P.md list the same rows
 * (MessageTypeTest compares them).
 */
public enum MessageType {
    // docs/protocol/SESSION.md: session set-up
    HELLO("hello", Hello.class, "dialer to acceptor", "SESSION 1.2"),
    WELCOME("welcome", Welcome.class, "acceptor to dialer", "SESSION 1.2"),

    // docs/protocol/TUNNEL.md: reverse tunnels
    OPEN_TUNNEL("open_tunnel", OpenTunnel.class, "client to server", "8.1"),
    TUNNEL_OPENED("tunnel_opened", TunnelOpened.class, "server to client", "8.1"),
    TUNNEL_REFUSED("tunnel_refused", TunnelRefused.class, "server to client", "8.1"),
    ERROR("error", ErrorReply.class, "server to client", "8.1"),
    STREAM("stream", StreamPreface.class, "server to client, stream preface", "8.2"),
    CLOSE_TUNNEL("close_tunnel", CloseTunnel.class, "client to server", "8.4"),
    TUNNEL_CLOSED("tunnel_closed", TunnelClosed.class, "server to client", "8.4"),

    // docs/protocol/P2P.md: peer-to-peer
    P2P_REQUEST("p2p_request", SessionRequest.class, "connect to share", "9.3"),
    P2P_ACCEPTED("p2p_accepted", SessionAccepted.class, "share to connect", "9.3"),
    P2P_REFUSED("p2p_refused", SessionRefused.class, "share to connect", "9.3"),
    P2P_REGISTER("p2p_register", RegisterShare.class, "share to server", "9.5"),
    P2P_REGISTERED("p2p_registered", ShareRegistered.class, "server to share", "9.5"),
    P2P_OFFER("p2p_offer", OfferMessage.class, "connect to server, server to share", "9.5"),
    P2P_ANSWER("p2p_answer", AnswerMessage.class, "share to server, server to connect", "9.5"),
    P2P_UNANSWERED("p2p_unanswered", Unanswered.class, "share to server", "9.5"),
    P2P_ERROR("p2p_error", RendezvousError.class, "server to peer", "9.5"),
    P2P_RELAY("p2p_relay", RelayPreface.class, "peer to server, relay stream preface", "9.6"),
    P2P_RELAY_READY("p2p_relay_ready", RelayReady.class, "server to peer, relay stream", "9.6"),
    P2P_RELAY_REFUSED("p2p_relay_refused", RelayRefused.class, "server to peer, relay stream", "9.6"),
    P2P_TICKET("p2p_ticket", TicketRequest.class, "connect to server", "9.6"),
    P2P_TICKETED("p2p_ticketed", TicketIssued.class, "server to connect", "9.6");

    private static final Map<String, MessageType> BY_TAG = new HashMap<>();
    private static final Map<Class<?>, MessageType> BY_RECORD = new HashMap<>();

    static {
        for (MessageType t : values()) {
            if (BY_TAG.put(t.tag, t) != null || BY_RECORD.put(t.record, t) != null) {
                throw new ExceptionInInitializerError("message type " + t + " is registered twice");
            }
        }
    }

    private final String tag;
    private final Class<? extends ControlMessage> record;
    private final String direction;
    private final String section;

    MessageType(String tag, Class<? extends ControlMessage> record, String direction, String section) {
        this.tag = tag;
        this.record = record;
        this.direction = direction;
        this.section = section;
    }

    /** The {@code "type"} member on the wire. */
    public String tag() {
        return tag;
    }

    public Class<? extends ControlMessage> record() {
        return record;
    }

    /** Who sends it to whom, as the spec's table says. */
    public String direction() {
        return direction;
    }

    /** The spec's section: a number of TUNNEL.md (8.x) or P2P.md (9.x), or "SESSION 1.2". */
    public String section() {
        return section;
    }

    /** The type of {@code tag}, or null when this version does not know it. */
    public static MessageType ofTag(String tag) {
        return BY_TAG.get(tag);
    }

    /** The type of a registered record. */
    public static MessageType of(Class<? extends ControlMessage> record) {
        MessageType t = BY_RECORD.get(record);
        if (t == null) {
            throw new IllegalArgumentException(record.getSimpleName() + " is not a registered message");
        }
        return t;
    }
}
