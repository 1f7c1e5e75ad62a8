package io.loomtunnel.session;

import java.io.IOException;

/**
 * A {@link SessionListener} closed a connection before its set-up could finish, by its
 * {@link SetupLimits}: the source's limit, its penalty, or to make room. The reason is a fixed
 * word for metrics; the message is for people. It carries no stack trace: refusals come in floods.
 */
public final class SetupRefusedException extends IOException {
    /** Reason: the source had as many set-ups in progress as it may. */
    public static final String SOURCE_LIMIT = "source_limit";
    /** Reason: the source is penalized for failed set-ups. */
    public static final String PENALIZED = "penalized";
    /** Reason: every set-up slot was taken, and this one was the one to go. */
    public static final String EVICTED = "evicted";

    /** A fixed word for metrics. */
    private final String reason;

    /**
     * Refused for {@code reason}.
     *
     * @param message what happened, one line
     * @param reason {@link #SOURCE_LIMIT}, {@link #PENALIZED} or {@link #EVICTED}
     */
    public SetupRefusedException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    /**
     * A fixed word saying why, for the {@code reason} tag of loomtunnel.handshake.failures.
     *
     * @return the fixed word
     */
    public String reason() {
        return reason;
    }

    /** No stack trace: it would say only where the listener refuses, at a cost paid per refusal. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
