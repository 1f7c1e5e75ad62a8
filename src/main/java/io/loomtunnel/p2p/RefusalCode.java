package io.loomtunnel.p2p;

/** Why a sharing peer refuses a session; the wire name travels in answers and p2p_refused (docs/protocol/SESSION.md). */
public enum RefusalCode {
    /** The connecting peer's id is not on the share's allow list. */
    NOT_ALLOWED("not_allowed"),
    /** No service of that name, or not one this peer may reach. */
    SERVICE_NOT_OFFERED("service_not_offered"),
    /** The share has --max-sessions sessions (pending and running). */
    TOO_MANY_SESSIONS("too_many_sessions"),
    /** No pending session with that id (never answered, expired, or ended). */
    UNKNOWN_SESSION("unknown_session"),
    /** Another connection of this session won the race; this one is closed. */
    ALREADY_CONNECTED("already_connected"),
    /** A code this version does not know (from a newer peer). */
    OTHER("other");

    private final String wireName;

    RefusalCode(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name in answers and p2p_refused messages.
     *
     * @return the wire name
     */
    public String wireName() {
        return wireName;
    }

    /**
     * The code for a wire name; unknown names are OTHER.
     *
     * @param wireName the name from the wire
     * @return its code
     */
    public static RefusalCode parse(String wireName) {
        for (RefusalCode c : values()) {
            if (c.wireName.equals(wireName)) {
                return c;
            }
        }
        return OTHER;
    }
}
