package io.loomtunnel.internal.admin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Writes one {@code GET /api/events} response (Server-Sent Events) from an {@link EventHub}
 * subscription: {@code retry: 1000} first, then each event as {@code id}, {@code event} and
 * {@code data} lines, a comment ping when {@link #PING} passed without an event.
 *
 * <p>Why a stream ends after {@link #LIFETIME}: the JDK server closes any response still going
 * after {@code sun.net.httpserver.maxRspTime} (30 s, set in {@link AdminServer} so that no other
 * answer can hang), which could cut an event in half. So each stream ends cleanly before that,
 * the browser's EventSource reconnects after the {@code retry} second with {@code Last-Event-ID},
 * and the hub replays what it published meanwhile. Normal answers keep their 30 s bound.
 */
final class EventStream {
    /** How long one stream runs; under the JDK server's 30 s response bound. */
    static final Duration LIFETIME = Duration.ofSeconds(25);
    /** A comment line at least this often, so proxies and the browser see the stream alive. */
    static final Duration PING = Duration.ofSeconds(15);
    /** What EventSource waits before it reconnects, in milliseconds. */
    static final int RETRY_MILLIS = 1000;

    private final Duration lifetime;
    private final Duration ping;
    private final LongSupplier nanoTime;

    EventStream(Duration lifetime, Duration ping, LongSupplier nanoTime) {
        this.lifetime = lifetime;
        this.ping = ping;
        this.nanoTime = nanoTime;
    }

    /**
     * Writes events from {@code subscriber} to {@code out} until the lifetime ends, the subscriber is dropped,
     * the reader goes away or the thread is interrupted (the endpoint closing).
     */
    void write(EventHub.Subscriber subscriber, OutputStream out) throws IOException {
        long start = nanoTime.getAsLong();
        write(out, "retry: " + RETRY_MILLIS + "\n\n");
        long lastWrite = start;
        try {
            while (true) {
                long now = nanoTime.getAsLong();
                long left = lifetime.toNanos() - (now - start);
                if (left <= 0) {
                    return;
                }
                long untilPing = ping.toNanos() - (now - lastWrite);
                if (untilPing <= 0) {
                    write(out, ": ping\n\n");
                    lastWrite = now;
                    continue;
                }
                EventHub.Event e = subscriber.next(Duration.ofNanos(Math.min(left, untilPing)));
                if (e != null) {
                    write(out, "id: " + e.id() + "\nevent: " + e.type() + "\ndata: " + e.json() + "\n\n");
                    lastWrite = nanoTime.getAsLong();
                }
            }
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        } catch (EventHub.Dropped dropped) {
            // too slow, or the hub closed: the stream ends and the browser reconnects
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
