package io.loomtunnel.internal.inspect;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.net.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * Sends a captured request again, edited or not, to its tunnel's local service over a connection
 * of the client's own, and captures the exchange (its {@code replayOf} set) through a {@link
 * StreamTap} as if it had come through the tunnel. At most {@value #AT_ONCE} at once; each has a
 * connect timeout, a read timeout and an overall bound.
 *
 * <p>Threads: one per replay, owned ({@code "loomtunnel inspector replays: replay"}), joined on
 * close. No lock: {@code slots} bounds them.
 */
final class Replayer implements AutoCloseable {
    static final int AT_ONCE = 4;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LONGEST = Duration.ofSeconds(60);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern TARGET = Pattern.compile("[\\x21-\\x7e]+");
    /** Framing and connection headers: the replay sets its own. */
    private static final Set<String> HOP = Set.of("content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
            "te", "proxy-connection", "trailer");

    private final Inspector inspector;
    private final Semaphore slots = new Semaphore(AT_ONCE);
    private final OwnedThreads threads = new OwnedThreads("inspector replays");

    Replayer(Inspector inspector) {
        this.inspector = inspector;
    }

    /** Starts replaying {@code original} with {@code edits}; returns the new exchange's id at once. */
    String replay(Exchange original, ReplayEdits edits) throws InspectException {
        InetSocketAddress service = inspector.service(original.tunnel);
        if (service == null) {
            throw new InspectException(409, "tunnel '" + original.tunnel + "' is not open now");
        }
        byte[] request = request(original.snapshot(true), edits);
        if (!slots.tryAcquire()) {
            throw new InspectException(429, AT_ONCE + " replays are running already; try again when one has ended");
        }
        boolean started = false;
        try {
            StreamTap tap = new StreamTap(inspector, original.tunnel, original.id);
            tap.toService(request, 0, request.length);
            Exchange e = tap.latest();
            if (e == null) {
                throw new InspectException(400, "the edited request is not one HTTP request");
            }
            started = threads.startIfOpen("replay", () -> {
                try {
                    send(tap, e, request, service);
                } finally {
                    slots.release();
                }
            });
            if (!started) {
                throw new InspectException(503, "the client is closing");
            }
            return e.id;
        } finally {
            if (!started) {
                slots.release();
            }
        }
    }

    /** The request's bytes: the captured one with the edits, framed by Content-Length, on a connection that closes after it. */
    static byte[] request(Exchange.Snapshot s, ReplayEdits edits) throws InspectException {
        MessageHead head = s.request();
        if (head.method().equals("CONNECT") || s.upgraded() || head.first("Upgrade") != null) {
            throw new InspectException(409, "an upgraded exchange (a WebSocket) cannot be replayed");
        }
        byte[] body;
        if (edits.body() != null) {
            body = edits.body().getBytes(StandardCharsets.UTF_8);
        } else if (s.requestSize() > s.requestCaptured()) {
            throw new InspectException(409, "the request body was captured only in part (" + s.requestCaptured() + " of "
                    + s.requestSize() + " bytes): give a body to replay it");
        } else if (s.requestSentMillis() == null) {
            throw new InspectException(409, "the request has not been read whole yet: give a body to replay it");
        } else {
            body = s.requestBytes();
        }
        String method = edits.method() == null ? head.method() : edits.method();
        if (!TOKEN.matcher(method).matches()) {
            throw new InspectException(400, "method must be a token like GET or POST");
        }
        String path = edits.path() == null ? head.target() : edits.path();
        if (!TARGET.matcher(path).matches()) {
            throw new InspectException(400, "path must be a request target without blanks or control characters, like /x?y=1");
        }
        StringBuilder out = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        for (Header h : headers(head, edits)) {
            if (!HOP.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.append(h.name()).append(": ").append(h.value()).append("\r\n");
            }
        }
        if (body.length > 0 || head.first("Content-Length") != null || head.first("Transfer-Encoding") != null) {
            out.append("Content-Length: ").append(body.length).append("\r\n");
        }
        out.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(out.length() + body.length);
        bytes.writeBytes(out.toString().getBytes(StandardCharsets.ISO_8859_1));
        bytes.writeBytes(body);
        return bytes.toByteArray();
    }

    /** The edited headers (a masked value stands for the captured value of that name), checked; or the captured ones. */
    private static List<Header> headers(MessageHead head, ReplayEdits edits) throws InspectException {
        if (edits.headers() == null) {
            return head.headers();
        }
        List<Header> out = new ArrayList<>();
        for (Header h : edits.headers()) {
            String value = h.value();
            if (value.equals(HeaderMask.MASKED)) {
                value = head.first(h.name());
                if (value == null) {
                    throw new InspectException(400, "header " + h.name() + " reads masked, but the request had none");
                }
            }
            if (!TOKEN.matcher(h.name()).matches() || value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f || c > 0xff)) {
                throw new InspectException(400, "a header must be a token name and a value without control characters");
            }
            out.add(new Header(h.name(), value.strip()));
        }
        return out;
    }

    private void send(StreamTap tap, Exchange e, byte[] request, InetSocketAddress service) {
        boolean clean = false;
        long deadline = System.nanoTime() + LONGEST.toNanos();
        try (Socket s = new Socket()) {
            s.connect(HostPort.resolved(service), (int) CONNECT_TIMEOUT.toMillis());
            s.setSoTimeout((int) READ_TIMEOUT.toMillis());
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            for (int n; e.isOpen() && System.nanoTime() < deadline && (n = in.read(buffer)) >= 0; ) {
                tap.fromService(buffer, 0, n);
            }
            clean = true;
        } catch (IOException failure) {
            if (e.failed("replay: " + failure.getMessage())) {
                inspector.changed(e);
            }
        }
        if (e.isOpen() && System.nanoTime() >= deadline && e.failed("replay: no response within " + LONGEST.toSeconds() + " s")) {
            inspector.changed(e);
        }
        tap.ended(clean);
    }

    /** Ends the replays in flight (their sockets close as their threads are interrupted) and joins them. */
    @Override
    public void close() {
        threads.close();
    }
}
