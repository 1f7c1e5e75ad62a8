package io.loomtunnel.internal.nostr;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WebSocket session with one relay (the JDK's {@link WebSocket}): whole text messages are
 * decoded and handed to the sink on the WebSocket's own callback thread, one at a time; writes go
 * through a bounded outbox that {@link #runWriter} drains on the caller's thread, which also pings
 * when idle. It does not reconnect: {@link RelayPool} dials a new one.
 *
 * <p>Threads: the callbacks run on the HttpClient's executor, which is the pool's OwnedThreads; the
 * writer is the relay's loop thread. No lock: the outbox is a concurrent queue, {@code closed} a
 * future, the rest written by one thread (the callbacks are sequential) or volatile.
 */
final class RelayConnection {
    /** Sinks for what arrives: decoded messages, and lines about what could not be decoded. */
    interface Sink {
        void message(RelayMessage message);

        void malformed(String problem);
    }

    /** Put in the outbox by {@link #abort} to wake the writer; compared by identity. */
    private static final String WAKE = new String("wake");

    private final URI uri;
    private final RelaySettings settings;
    private final Sink sink;
    private final BlockingQueue<String> outbox;
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile long lastHeard = System.nanoTime();

    private RelayConnection(URI uri, RelaySettings settings, Sink sink) {
        this.uri = uri;
        this.settings = settings;
        this.sink = sink;
        this.outbox = new ArrayBlockingQueue<>(settings.outbox());
    }

    /**
     * Dials {@code uri} and completes the WebSocket handshake within the connect timeout.
     *
     * @throws IOException with one line saying why not
     */
    static RelayConnection open(HttpClient http, URI uri, RelaySettings settings, Sink sink) throws IOException {
        RelayConnection c = new RelayConnection(uri, settings, sink);
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
                .connectTimeout(settings.connectTimeout())
                .buildAsync(uri, c.new Listener());
        try {
            c.socket = opening.get(settings.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            return c;
        } catch (ExecutionException e) {
            throw new IOException(Problems.describe(e.getCause()));
        } catch (TimeoutException e) {
            throw new IOException("no WebSocket handshake within " + settings.connectTimeout().toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        } finally {
            if (c.socket == null) {
                opening.cancel(true);
                opening.thenAccept(WebSocket::abort); // a handshake that completes after all is not left open
            }
        }
    }

    /** Queues a text message; false when the outbox is full or the connection is closed. */
    boolean send(String text) {
        return !closed.isDone() && outbox.offer(text);
    }

    /**
     * Writes queued messages until the connection ends, pinging when idle and dropping a relay
     * that stays silent for two ping intervals or takes longer than the send timeout to take a
     * message. Returns why the connection ended.
     *
     * @throws InterruptedException when the owner closes (the connection is aborted first)
     */
    String runWriter() throws InterruptedException {
        long pingNanos = settings.pingInterval().toNanos();
        try {
            while (!closed.isDone()) {
                String next = outbox.poll(pingNanos, TimeUnit.NANOSECONDS);
                if (closed.isDone() || next == WAKE) {
                    break;
                }
                if (next != null) {
                    await(socket.sendText(next, true), "sending to the relay");
                } else if (System.nanoTime() - lastHeard > 2 * pingNanos) {
                    abort("the relay has not answered for " + 2 * settings.pingInterval().toSeconds() + " s");
                } else {
                    await(socket.sendPing(ByteBuffer.allocate(0)), "pinging the relay");
                }
            }
        } catch (InterruptedException e) {
            abort("closing");
            throw e;
        }
        return closed.getNow("closed");
    }

    /** Ends the connection at once (no close handshake) and records why, if it is the first reason. */
    void abort(String reason) {
        if (closed.complete(reason)) {
            outbox.clear();
            outbox.offer(WAKE);
        }
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
    }

    @Override
    public String toString() {
        return "connection to " + uri;
    }

    private void await(CompletableFuture<WebSocket> sending, String what) throws InterruptedException {
        try {
            sending.get(settings.sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CancellationException e) {
            abort(what + " failed: " + Problems.describe(e instanceof ExecutionException ? e.getCause() : e));
        } catch (TimeoutException e) {
            abort(what + " took longer than " + settings.sendTimeout().toSeconds() + " s");
        }
    }

    /** The JDK's callbacks, one at a time: assembles text messages up to the size limit and decodes them. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            lastHeard = System.nanoTime();
            if (partial.length() + data.length() > EventJson.MAX_MESSAGE_CHARS) {
                abort("the relay sent a message over " + EventJson.MAX_MESSAGE_CHARS + " characters");
                return null;
            }
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    sink.message(RelayMessages.decode(text));
                } catch (NostrProtocolException e) {
                    sink.malformed(e.getMessage());
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            abort("the relay sent a binary message; NIP-01 has text only");
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            lastHeard = System.nanoTime(); // the JDK sends the pong
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            lastHeard = System.nanoTime();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            abort("the relay closed the connection (" + statusCode + (reason.isBlank() ? "" : " " + Problems.quote(reason)) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            abort("connection failed: " + Problems.describe(error));
        }
    }
}
