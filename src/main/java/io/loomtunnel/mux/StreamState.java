package io.loomtunnel.mux;

/**
 * The state of a {@link MuxStream}, and every transition between states: the stream-state table
 * of docs/protocol/SESSION.md 3.2 uses the same names, and StreamStateTableTest checks that the
 * two agree row for row.
 *
 * <p>A stream is in exactly one state. {@link #on} says, for a state and an event, the next state
 * and the frame the stream sends; the stream changes its state only through it, with a
 * compare-and-set, so the session reader and application threads never wait on each other here.
 */
enum StreamState {
    /** Opened by this side: the SYN is written, the peer's ACK has not come. */
    SYN_SENT,
    /** Opened by the peer: waiting in the accept backlog. */
    SYN_RECEIVED,
    /** Both directions are open. */
    ESTABLISHED,
    /** This side sent FIN ({@code shutdownOutput}); it still reads what the peer sends. */
    LOCAL_CLOSE,
    /** The peer sent FIN; this side may still write. */
    REMOTE_CLOSE,
    /** The application closed the stream: FIN sent, its input discarded; DATA from the peer is answered with a RST. */
    APP_CLOSED,
    /** FIN both ways: the stream is gone. */
    CLOSED,
    /** A RST was sent or received: both directions are aborted and the stream is gone. */
    RESET,
    /** The session ended under the stream: it is gone; reads return what was buffered, then fail with the session's close cause, as writes do. */
    SESSION_CLOSED;

    /** What happens to a stream; {@link #label} is how the protocol doc's table names it. */
    enum Event {
        ACK_RECEIVED("ACK received"),
        ACCEPT("accept()"),
        SHUTDOWN_OUTPUT("shutdownOutput()"),
        /** close() with nothing unread and no writer blocked; otherwise close() is reset(CANCEL). */
        CLOSE("close()"),
        RESET("reset(code)"),
        FIN_RECEIVED("FIN received"),
        DATA_RECEIVED("DATA received"),
        RST_RECEIVED("RST received"),
        SESSION_END("session ends");

        final String label;

        Event(String label) {
            this.label = label;
        }
    }

    /** The frame a transition makes the stream send; {@link #label} is how the protocol doc's table names it. */
    enum Sent {
        NOTHING("—"),
        ACK("WINDOW_UPDATE(ACK, +0)"),
        FIN("FIN"),
        RST("RST(code)"),
        RST_STREAM_CLOSED("RST(STREAM_CLOSED)");

        final String label;

        Sent(String label) {
            this.label = label;
        }
    }

    /** One row of the table; {@code to == from} when the state stays. */
    record Transition(StreamState from, Event event, StreamState to, Sent sent) {
        boolean changes() {
            return to != from;
        }
    }

    /** Every transition, computed once: looking one up allocates nothing. */
    private static final Transition[][] TABLE = buildTable();

    /** The transition this state takes on {@code event}. */
    Transition on(Event event) {
        return TABLE[ordinal()][event.ordinal()];
    }

    /** Out of the session's table: FIN both ways, reset, or the session ended. */
    boolean isGone() {
        return this == CLOSED || this == RESET || this == SESSION_CLOSED;
    }

    /** This side sent FIN, so writing is over. */
    boolean finSent() {
        return this == LOCAL_CLOSE || this == APP_CLOSED || this == CLOSED;
    }

    /** The peer may still send DATA, so credit for what was read is worth granting. */
    boolean peerMaySend() {
        return switch (this) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, LOCAL_CLOSE, APP_CLOSED -> true;
            case REMOTE_CLOSE, CLOSED, RESET, SESSION_CLOSED -> false;
        };
    }

    private static Transition[][] buildTable() {
        Transition[][] table = new Transition[values().length][Event.values().length];
        for (StreamState s : values()) {
            for (Event e : Event.values()) {
                table[s.ordinal()][e.ordinal()] = decide(s, e);
            }
        }
        return table;
    }

    private static Transition decide(StreamState s, Event e) {
        boolean open = s == SYN_SENT || s == SYN_RECEIVED || s == ESTABLISHED;
        return switch (e) {
            case ACK_RECEIVED -> s == SYN_SENT ? new Transition(s, e, ESTABLISHED, Sent.NOTHING) : stay(s, e);
            // accept() always acknowledges; only a waiting stream changes state (the others were
            // half-closed or reset by the peer while in the backlog).
            case ACCEPT -> new Transition(s, e, s == SYN_RECEIVED ? ESTABLISHED : s, Sent.ACK);
            case SHUTDOWN_OUTPUT -> open ? new Transition(s, e, LOCAL_CLOSE, Sent.FIN)
                    : s == REMOTE_CLOSE ? new Transition(s, e, CLOSED, Sent.FIN)
                    : stay(s, e);
            case CLOSE -> open ? new Transition(s, e, APP_CLOSED, Sent.FIN)
                    : s == LOCAL_CLOSE ? new Transition(s, e, APP_CLOSED, Sent.NOTHING)
                    : s == REMOTE_CLOSE ? new Transition(s, e, CLOSED, Sent.FIN)
                    : stay(s, e);
            // Resetting always aborts, even a stream already gone: its input then fails with the reset.
            case RESET -> s == RESET ? stay(s, e) : new Transition(s, e, RESET, Sent.RST);
            case FIN_RECEIVED -> open ? new Transition(s, e, REMOTE_CLOSE, Sent.NOTHING)
                    : s == LOCAL_CLOSE || s == APP_CLOSED ? new Transition(s, e, CLOSED, Sent.NOTHING)
                    : stay(s, e);
            // DATA after the peer's FIN, or for a stream the application closed (3.1).
            case DATA_RECEIVED -> s == REMOTE_CLOSE || s == APP_CLOSED
                    ? new Transition(s, e, RESET, Sent.RST_STREAM_CLOSED) : stay(s, e);
            case RST_RECEIVED -> s.isGone() ? stay(s, e) : new Transition(s, e, RESET, Sent.NOTHING);
            case SESSION_END -> s.isGone() ? stay(s, e) : new Transition(s, e, SESSION_CLOSED, Sent.NOTHING);
        };
    }

    private static Transition stay(StreamState s, Event e) {
        return new Transition(s, e, s, Sent.NOTHING);
    }
}
