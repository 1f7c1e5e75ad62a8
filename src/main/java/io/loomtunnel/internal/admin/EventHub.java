package io.loomtunnel.internal.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The live events of one server, client, share or connect, for the dashboard's {@code GET
 * /api/events} stream (docs/DASHBOARD.md, "API"): {@code tunnel}, {@code session}, {@code log}
 * and {@code request} events, each a type and a JSON object.
 *
 * <p>Who publishes: the role that owns the hub makes it and hands it to its admin endpoint through
 * {@link AdminTarget#events()} ({@code TunnelClient} and {@code TunnelServer} publish their
 * tunnel and session events; the admin endpoint adds the log lines). Another part of a client
 * (the request inspector, internal.inspect) publishes through the same hub: the lead's wiring is
 * one line in {@code TunnelClient}, {@code inspector.onChange(s -> hub.publish("request", s))},
 * where {@code hub} is the client's own ({@code ClientAdmin.events()}).
 *
 * <p>{@link #publish} never blocks: it offers the event to each subscriber's bounded queue; the
 * data is written as JSON when a stream first reads the event, on the stream's thread, not on the
 * publisher's (the request inspector publishes twice per proxied request, mostly with no page
 * open: docs/BENCHMARKS.md, "Read deadlines instead of timed reads"), so what is published must
 * not change afterwards (the publishers hand over records and maps made for the event); a
 * subscriber whose queue is full (a reader too slow or gone) is dropped and its stream ends, so a
 * browser reconnects and starts afresh. At most
 * {@value #MAX_SUBSCRIBERS} subscribers at once ({@link #subscribe} answers null beyond). The
 * last {@value #REPLAY} events are kept with their ids so a stream that ends and reconnects with
 * {@code Last-Event-ID} misses nothing in between.
 *
 * <p>Threads: none of its own; subscribers read on the admin endpoint's request threads.
 * Locking: {@code this} guards the ids, the replay ring and the subscriber list; a leaf, held
 * for non-blocking offers only.
 */
public final class EventHub {
    /** Subscribers (event streams) at once. */
    static final int MAX_SUBSCRIBERS = 8;
    /** Events a subscriber may have waiting before it is dropped. */
    static final int QUEUE = 256;
    /** Events kept for a stream that reconnects with Last-Event-ID. */
    static final int REPLAY = 128;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One event: its id (counting from 1), type and data, written as JSON text (one line) when first read. */
    static final class Event {
        private final long id;
        private final String type;
        private final Object data;
        /** The data as JSON once written; racing readers write the same text. */
        private volatile String json;

        private Event(long id, String type, Object data) {
            this.id = id;
            this.type = type;
            this.data = data;
        }

        long id() {
            return id;
        }

        String type() {
            return type;
        }

        String json() {
            String j = json;
            if (j == null) {
                try {
                    j = JSON.writeValueAsString(data);
                } catch (JsonProcessingException e) {
                    j = "{\"error\":\"event could not be written\"}";
                }
                json = j;
            }
            return j;
        }
    }

    private final List<Subscriber> subscribers = new ArrayList<>();
    private final ArrayDeque<Event> recent = new ArrayDeque<>(REPLAY);
    private long lastId;
    private boolean closed;

    /**
     * Sends an event to every subscriber now, never blocking.
     *
     * @param type the SSE event name: tunnel, session, log, request
     * @param jsonData an object Jackson writes as JSON (a record, a map), unchanged from now on
     */
    public void publish(String type, Object jsonData) {
        synchronized (this) {
            if (closed) {
                return;
            }
            Event event = new Event(++lastId, type, jsonData);
            if (recent.size() == REPLAY) {
                recent.removeFirst();
            }
            recent.addLast(event);
            subscribers.removeIf(s -> !s.offer(event));
        }
    }

    /**
     * A new subscriber, with the kept events after {@code lastEventId} already queued (negative: none; 0: all kept); null when
     * {@value #MAX_SUBSCRIBERS} are subscribed or the hub is closed.
     */
    synchronized Subscriber subscribe(long lastEventId) {
        if (closed || subscribers.size() >= MAX_SUBSCRIBERS) {
            return null;
        }
        Subscriber s = new Subscriber(this);
        if (lastEventId >= 0) {
            for (Event e : recent) {
                if (e.id() > lastEventId) {
                    s.offer(e);
                }
            }
        }
        subscribers.add(s);
        return s;
    }

    synchronized int subscriberCount() {
        return subscribers.size();
    }

    private synchronized void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    /** Ends every subscription; later publishes do nothing. */
    void close() {
        List<Subscriber> ending;
        synchronized (this) {
            closed = true;
            ending = List.copyOf(subscribers);
            subscribers.clear();
        }
        ending.forEach(Subscriber::drop);
    }

    /** One event stream's queue; the stream's thread takes from it, the hub offers to it. */
    static final class Subscriber implements AutoCloseable {
        private static final Event END = new Event(0, "", "");

        private final EventHub hub;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(QUEUE + 1); // one more for END
        private volatile boolean dropped;

        private Subscriber(EventHub hub) {
            this.hub = hub;
        }

        /** False (and the subscriber dropped) when its queue is full. */
        private boolean offer(Event e) {
            if (queue.size() < QUEUE && queue.offer(e)) {
                return true;
            }
            drop();
            return false;
        }

        private void drop() {
            dropped = true;
            queue.offer(END); // the extra slot: wakes a waiting reader
        }

        /**
         * The next event, waiting at most {@code wait}; null when none came in time.
         *
         * @throws InterruptedException the endpoint is closing
         * @throws Dropped the subscriber was dropped (too slow, or the hub closed)
         */
        Event next(Duration wait) throws InterruptedException, Dropped {
            if (dropped) {
                throw new Dropped();
            }
            Event e = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            if (dropped || e == END) {
                throw new Dropped();
            }
            return e;
        }

        boolean isDropped() {
            return dropped;
        }

        /** Unsubscribes; the hub offers nothing more. */
        @Override
        public void close() {
            hub.unsubscribe(this);
        }
    }

    /** A subscriber was dropped: its stream ends. */
    static final class Dropped extends Exception {
        Dropped() {
            super("event stream dropped", null, false, false);
        }
    }
}
