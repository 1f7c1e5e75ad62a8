package io.loomtunnel.internal.admin;

/** An admin request that cannot be done; the message is one line for the operator, the status is the HTTP answer's. */
public final class AdminException extends Exception {
    public static final int BAD_REQUEST = 400;
    public static final int NOT_FOUND = 404;
    public static final int CONFLICT = 409;
    public static final int UNAVAILABLE = 503;

    private final int httpStatus;

    public AdminException(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
