package io.loomtunnel.internal.inspect;

/**
 * One request and its response as a stream tap (or a replay) saw them: heads, captured bodies,
 * timing and how it ended. Written by the tap's two threads, read by the admin endpoint.
 *
 * <p>Thread safety: {@code this} guards the capture; {@link ExchangeStore}'s lock guards {@code
 * weight}. The two are never held together.
 */
final class Exchange {
    /** Where an exchange is: waiting for its end, complete, or cut short. */
    enum State { OPEN, DONE, FAILED }

    final String id;
    final String tunnel;
    /** The id of the exchange this one replays, or null. */
    final String replayOf;
    final long startedAtMillis = System.currentTimeMillis();
    final long startNanos = System.nanoTime();
    private final MessageHead request;
    private final BodyCapture requestBody;
    private final BodyCapture responseBody;
    private MessageHead response;
    private long requestEndNanos = -1;
    private long firstByteNanos = -1;
    private long endNanos = -1;
    private State state = State.OPEN;
    private boolean upgraded;
    private String note;
    /** Bytes the store counts for it (guarded by the store's lock). */
    long weight;

    Exchange(String id, String tunnel, String replayOf, MessageHead request, int bodyCap) {
        this.id = id;
        this.tunnel = tunnel;
        this.replayOf = replayOf;
        this.request = request;
        this.requestBody = new BodyCapture(bodyCap);
        this.responseBody = new BodyCapture(bodyCap);
    }

    MessageHead request() {
        return request;
    }

    synchronized int requestBody(byte[] b, int off, int len) {
        return requestBody.append(b, off, len);
    }

    synchronized void requestEnded() {
        requestEndNanos = System.nanoTime();
    }

    /** The first byte of the response arrived (only the first call counts). */
    synchronized void firstByte() {
        if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    synchronized void response(MessageHead head) {
        firstByte();
        response = head;
    }

    synchronized int responseBody(byte[] b, int off, int len) {
        return responseBody.append(b, off, len);
    }

    /** The response ended; false if the exchange had ended already. */
    synchronized boolean done(boolean upgrade) {
        if (state != State.OPEN) {
            return false;
        }
        upgraded = upgrade;
        state = State.DONE;
        endNanos = System.nanoTime();
        return true;
    }

    /** Cut short, {@code why}; false if the exchange had ended already. */
    synchronized boolean failed(String why) {
        if (state != State.OPEN) {
            return false;
        }
        state = State.FAILED;
        note = why;
        endNanos = System.nanoTime();
        return true;
    }

    synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    /** A consistent copy of the capture, for the API; the body bytes are null unless {@code bodies}. */
    synchronized Snapshot snapshot(boolean bodies) {
        return new Snapshot(this, request, requestBody.size(), requestBody.captured(), bodies ? requestBody.bytes() : null,
                response, responseBody.size(), responseBody.captured(), bodies ? responseBody.bytes() : null, millis(requestEndNanos),
                millis(firstByteNanos), millis(endNanos), state, upgraded, note);
    }

    private Double millis(long nanos) {
        return nanos < 0 ? null : Math.round((nanos - startNanos) / 1e5) / 10.0;
    }

    /** The exchange at one moment; times are milliseconds after its start, null until they happen. */
    record Snapshot(Exchange exchange, MessageHead request, long requestSize, int requestCaptured, byte[] requestBytes,
                    MessageHead response, long responseSize, int responseCaptured, byte[] responseBytes,
                    Double requestSentMillis, Double firstByteMillis, Double endMillis, State state, boolean upgraded,
                    String note) {}
}
