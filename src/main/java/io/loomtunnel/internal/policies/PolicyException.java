package io.loomtunnel.internal.policies;

/** A policy's settings or file are unusable; the message is one line naming the file or key. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message) {
        super(message, null, false, false);
    }
}
