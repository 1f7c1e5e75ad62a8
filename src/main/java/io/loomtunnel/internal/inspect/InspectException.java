package io.loomtunnel.internal.inspect;

/** An inspector request that cannot be done: the HTTP status to answer and one line saying why. */
final class InspectException extends Exception {
    final int status;

    InspectException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
