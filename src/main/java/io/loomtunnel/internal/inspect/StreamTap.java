package io.loomtunnel.internal.inspect;

import io.loomtunnel.internal.tunnel.SpliceTap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The inspector's tap on one HTTP tunnel stream: a {@link MessageParser} per direction, requests
 * paired with responses in order (HTTP/1.1 answers in the order asked, so a stream that carries
 * several requests in a row, or pipelined ones, pairs right). It copies at most the body cap of
 * each body and never holds or changes the traffic; anything it cannot follow stops the capture
 * of this stream, and the exchanges it left open fail with the reason.
 *
 * <p>Threads: the splice's two, one per direction; {@code this} guards {@code awaiting} and
 * {@code open}, held for a queue operation only. {@code sending} is the request thread's,
 * {@code answering} the response thread's.
 */
final class StreamTap implements SpliceTap {
    /** Requests read whose responses have not begun, at most: more stops the capture. */
    static final int MAX_AWAITING = 32;

    private final Inspector inspector;
    private final String tunnel;
    private final String replayOf;
    private final MessageParser requests = new MessageParser(MessageParser.Role.REQUEST, new Requests());
    private final MessageParser responses = new MessageParser(MessageParser.Role.RESPONSE, new Responses());
    private final ArrayDeque<Exchange> awaiting = new ArrayDeque<>();
    /** Begun and not ended. */
    private final Set<Exchange> open = new LinkedHashSet<>();
    private volatile boolean off;
    private volatile Exchange latest;
    private Exchange sending;
    private Exchange answering;

    StreamTap(Inspector inspector, String tunnel, String replayOf) {
        this.inspector = inspector;
        this.tunnel = tunnel;
        this.replayOf = replayOf;
    }

    /** The exchange begun last, or null. */
    Exchange latest() {
        return latest;
    }

    @Override
    public void toService(byte[] b, int off, int len) {
        if (!this.off) {
            try {
                requests.feed(b, off, len);
            } catch (RuntimeException e) {
                stop("the inspector failed: " + e);
            }
        }
    }

    @Override
    public void fromService(byte[] b, int off, int len) {
        if (!this.off) {
            try {
                if (responses.atMessageStart()) {
                    Exchange next = peek();
                    if (next != null) {
                        next.firstByte();
                    }
                }
                responses.feed(b, off, len);
            } catch (RuntimeException e) {
                stop("the inspector failed: " + e);
            }
        }
    }

    @Override
    public void ended(boolean clean) {
        if (!clean) {
            failOpen("the connection was aborted"); // before finish(): a body that runs to the close did not end well
        }
        if (!off) {
            try {
                requests.finish();
                responses.finish();
            } catch (RuntimeException e) {
                stop("the inspector failed: " + e);
            }
        }
        failOpen("the connection ended before the response did");
    }

    private synchronized Exchange peek() {
        return awaiting.peekFirst();
    }

    private synchronized Exchange poll() {
        return awaiting.pollFirst();
    }

    private synchronized boolean begun(Exchange e) {
        if (awaiting.size() >= MAX_AWAITING) {
            return false;
        }
        awaiting.addLast(e);
        open.add(e);
        return true;
    }

    private void ended(Exchange e, boolean upgraded) {
        synchronized (this) {
            open.remove(e);
        }
        if (e.done(upgraded)) {
            inspector.changed(e);
        }
    }

    /** Stops capturing this stream for good; the exchanges still open fail with {@code why}. */
    private void stop(String why) {
        off = true;
        failOpen("stopped capturing: " + why);
    }

    private void failOpen(String why) {
        List<Exchange> left;
        synchronized (this) {
            left = new ArrayList<>(open);
            open.clear();
            awaiting.clear();
        }
        for (Exchange e : left) {
            if (e.failed(why)) {
                inspector.changed(e);
            }
        }
    }

    /** The requests' side: each head begins an exchange. */
    private final class Requests implements MessageParser.Listener {
        @Override
        public boolean head(MessageHead head) {
            Exchange e = inspector.begin(tunnel, head, replayOf);
            if (!begun(e)) {
                String why = "more than " + MAX_AWAITING + " requests waiting for their responses";
                e.failed("stopped capturing: " + why);
                inspector.changed(e);
                stop(why);
                return true;
            }
            sending = e;
            latest = e;
            inspector.changed(e);
            return true;
        }

        @Override
        public void body(byte[] b, int off, int len) {
            if (sending != null) {
                inspector.grew(sending, sending.requestBody(b, off, len));
            }
        }

        @Override
        public void end() {
            if (sending != null) {
                sending.requestEnded();
                sending = null;
            }
        }

        @Override
        public void upgraded() {
            // the response's 101 ends the exchange; until then the request side reads nothing more
        }

        @Override
        public void failed(String why) {
            stop("request: " + why);
        }
    }

    /** The responses' side: each final head answers the oldest request waiting. */
    private final class Responses implements MessageParser.Listener {
        @Override
        public boolean head(MessageHead head) {
            int status = head.status();
            if (status >= 100 && status < 200 && status != 101) {
                return true; // interim: the final response follows
            }
            Exchange e = poll();
            if (e == null) {
                stop("a response without a request");
                return true;
            }
            answering = e;
            e.response(head);
            inspector.grew(e, head.size());
            return !e.request().method().equals("HEAD");
        }

        @Override
        public void body(byte[] b, int off, int len) {
            if (answering != null) {
                inspector.grew(answering, answering.responseBody(b, off, len));
            }
        }

        @Override
        public void end() {
            if (answering != null) {
                ended(answering, false);
                answering = null;
            }
        }

        @Override
        public void upgraded() {
            if (answering != null) {
                ended(answering, true);
                answering = null;
            }
            off = true; // the rest of the stream is another protocol (a WebSocket): not ours to read
        }

        @Override
        public void failed(String why) {
            stop("response: " + why);
        }
    }
}
