package io.loomtunnel.internal.h2.upstream;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.concurrent.Joins;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.http.Http1Requests;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.LocalService;
import io.loomtunnel.internal.tunnel.ServiceFailure;
import io.loomtunnel.internal.tunnel.SpliceTap;
import io.loomtunnel.mux.MuxStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Serves one tunnel stream of an h2c tunnel: the HTTP/1.1 requests the server sends on it (read
 * with the ingress's own parser, {@link Http1Requests}) each become one stream of the tunnel's
 * shared h2c connection ({@link H2cPool}), and each h2 response is written back as HTTP/1.1: its
 * head with {@code Transfer-Encoding: chunked}, DATA as chunks, trailing HEADERS as the chunked
 * trailer section (gRPC's {@code grpc-status}, {@code grpc-message}). The tunnel stream still
 * carries HTTP/1.1, so the {@link SpliceTap} (the request inspector) sees its bytes as for any
 * HTTP tunnel. The end of the tunnel stream before an answer is complete (the visitor cancelled,
 * the server closed the exchange) resets the h2 stream with CANCEL. A request the service refused
 * before processing it is sent again once, on a new stream ({@link H2cExchange}).
 *
 * <p>Threads: the caller's relays the responses, in order; one more, named after it with
 * {@code -requests}, reads the requests, opens their h2 streams and sends their bodies (so a
 * gRPC stream's request and response flow at once), then waits on the tunnel for the next
 * request or its end. The caller joins it before returning. At most two exchanges are in hand at
 * once (one handed over, one being read).
 */
public final class H2cBridge {
    private static final System.Logger LOG = System.getLogger(H2cBridge.class.getName());
    private static final int MAX_HEAD_BYTES = 32 * 1024;
    private static final int BUFFER = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    /** What the request thread hands the response thread: an exchange, or the end of the requests. */
    sealed interface Handed permits H2cExchange, End {}

    /** The requests ended: cleanly (the tunnel's end after whole exchanges) or not. */
    enum End implements Handed { CLEAN, FAILED }

    private final MuxStream stream;
    private final H2cPool pool;
    private final Consumer<IOException> unreachable;
    private final Http1Requests requests;
    private final OutputStream out;
    /** The request bodies' buffer: only the thread that reads the requests uses it. */
    private final byte[] bodyBuffer = new byte[BUFFER];
    private final BlockingQueue<Handed> ready = new ArrayBlockingQueue<>(1);
    private volatile boolean done;
    private volatile ServiceFailure failure;

    private H2cBridge(MuxStream stream, H2cPool pool, TunnelCounters counters, Consumer<IOException> unreachable, SpliceTap tap) {
        this.stream = stream;
        this.pool = pool;
        this.unreachable = unreachable;
        this.requests = new Http1Requests(tapped(stream.input(), counters, tap), MAX_HEAD_BYTES);
        this.out = new BufferedOutputStream(tapped(stream.output(), counters, tap), BUFFER);
    }

    /**
     * Serves {@code stream} until it ends, on the calling thread and one more; counts it and its
     * bytes in {@code counters}, and tells {@code unreachable} why the service could not be
     * connected (the stream is then reset with the failure's code, as a splice's would be).
     */
    public static void serve(MuxStream stream, H2cPool pool, TunnelCounters counters, Consumer<IOException> unreachable,
            SpliceTap tap) {
        counters.streamsOpened().increment();
        boolean clean = new H2cBridge(stream, pool, counters, unreachable, tap).run();
        counters.streamsClosed().increment();
        if (!clean) {
            counters.streamsReset().increment();
        }
        tap.ended(clean);
    }

    private boolean run() {
        Thread reader = Thread.ofVirtual().name(Thread.currentThread().getName() + "-requests").start(this::readRequests);
        boolean clean = false;
        H2cExchange x = null;
        try {
            while (true) {
                Handed next = ready.take();
                if (next instanceof End end) {
                    clean = end == End.CLEAN;
                    break;
                }
                x = (H2cExchange) next;
                if (!respond(x)) {
                    break;
                }
            }
            if (clean) {
                out.flush();
                stream.shutdownOutput();
            }
        } catch (IOException e) {
            clean = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done = true;
            if (x != null) {
                x.cancel(H2Error.CANCEL); // also wakes a request thread waiting on a retry
            }
            ServiceFailure f = failure;
            if (!clean) {
                LocalService.reset(stream, f == null ? ErrorCode.CANCEL : f.code);
            }
            try {
                stream.close();
            } catch (IOException ignored) {
                // the session is gone
            }
            for (Handed queued; (queued = ready.poll()) != null; ) {
                if (queued instanceof H2cExchange q) {
                    q.cancel(H2Error.CANCEL);
                }
            }
            Joins.joinAborting(reader, () -> LocalService.reset(stream, ErrorCode.CANCEL)); // a reset wakes its read of the tunnel
        }
        return clean;
    }

    /** The request thread: each request's head opens an h2 stream and its body follows; then the next, or the end. */
    private void readRequests() {
        H2cExchange current = null;
        boolean clean = false;
        try {
            while (true) {
                Http1Requests.Head head = requests.next();
                if (head == null) {
                    clean = true;
                    return;
                }
                try {
                    current = H2cExchange.open(head, pool);
                } catch (H2cPool.UnreachableException e) {
                    failure = ServiceFailure.of(e.reason());
                    unreachable.accept(e.reason());
                    return;
                }
                if (!hand(current)) {
                    current.cancel(H2Error.CANCEL);
                    return;
                }
                if (head.body()) {
                    sendBody(current);
                }
                if (!requests.awaitMore()) { // the tunnel ended: an answer still coming is not wanted any more
                    if (!current.responded) {
                        current.cancel(H2Error.CANCEL);
                    }
                    clean = true;
                    return;
                }
            }
        } catch (IOException e) { // the tunnel stream was reset, or a request was malformed
            LOG.log(System.Logger.Level.DEBUG, () -> "h2c tunnel stream " + stream.id() + ": " + e);
            if (current != null) {
                current.cancel(H2Error.CANCEL);
            }
        } finally {
            hand(clean ? End.CLEAN : End.FAILED);
        }
    }

    /** The request body as DATA, then END_STREAM; once the service takes no more, the rest is read and dropped. */
    private void sendBody(H2cExchange x) throws IOException {
        byte[] buf = bodyBuffer;
        boolean taking = true;
        for (int n; (n = requests.readBody(buf, 0, buf.length)) >= 0; ) {
            taking = taking && x.send(buf, 0, n);
        }
        if (taking) {
            x.end();
        }
    }

    /** Hands an exchange (or the end) to the response thread, waiting while it relays the one before; false once it has ended. */
    private boolean hand(Handed x) {
        try {
            while (!done) {
                if (ready.offer(x, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Relays one response; false if it could not be completed (the tunnel stream then ends). */
    private boolean respond(H2cExchange x) throws IOException {
        H2cStream h2 = x.stream();
        boolean answered = false;
        boolean started = false;
        boolean body = false;
        try {
            while (true) {
                H2cStream.Event e = h2.next();
                if (!answered && e instanceof H2cStream.Reset r && r.code() == H2Error.REFUSED_STREAM) {
                    H2cStream again = x.retry(); // the service processed none of it (RFC 9113 8.7)
                    if (again != null) {
                        int refused = h2.id;
                        LOG.log(System.Logger.Level.DEBUG, () -> "h2c stream " + refused + " refused, retried as " + again.id);
                        h2 = again;
                        continue;
                    }
                }
                if (!answered && !(e instanceof H2cStream.Reset)) {
                    x.answered();
                    answered = true;
                }
                boolean end;
                switch (e) {
                    case H2cStream.Reset r -> {
                        int id = h2.id;
                        LOG.log(System.Logger.Level.DEBUG, () -> "h2c stream " + id + " reset, code " + r.code());
                        return false;
                    }
                    case H2cStream.Headers h -> {
                        if (h.tooLarge()) {
                            throw new ResponseHeads.MalformedResponseException("a header list over " + pool.limits().maxHeadBytes() + " bytes");
                        }
                        if (!started) {
                            ResponseHeads.Head head = ResponseHeads.head(h.fields(), x.head.method().equals("HEAD"), h.endStream());
                            out.write(head.bytes());
                            started = !head.interim();
                            body = head.body();
                        } else if (!h.endStream()) {
                            throw new ResponseHeads.MalformedResponseException("a header block after the head that does not end the stream");
                        } else {
                            byte[] trailers = ResponseHeads.trailers(h.fields());
                            if (body) {
                                out.write(trailers);
                            }
                        }
                        end = h.endStream();
                    }
                    case H2cStream.Data d -> {
                        if (!started) {
                            throw new ResponseHeads.MalformedResponseException("DATA before the response head");
                        }
                        if (body && d.bytes().length > 0) {
                            out.write(Integer.toHexString(d.bytes().length).getBytes(StandardCharsets.ISO_8859_1));
                            out.write(CRLF);
                            out.write(d.bytes());
                            out.write(CRLF);
                        }
                        if (d.endStream() && body) {
                            out.write(LAST_CHUNK);
                        }
                        end = d.endStream();
                    }
                }
                if (end) {
                    x.responded = true;
                    out.flush();
                    return true;
                }
                if (!h2.pending()) {
                    out.flush();
                }
            }
        } catch (ResponseHeads.MalformedResponseException e) {
            int id = h2.id;
            LOG.log(System.Logger.Level.DEBUG, () -> "h2c stream " + id + ": " + e.getMessage());
            x.cancel(H2Error.PROTOCOL_ERROR);
            return false;
        }
    }

    /** The tunnel's bytes toward the service, counted and shown to the tap as they are read. */
    private static InputStream tapped(InputStream in, TunnelCounters counters, SpliceTap tap) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = readNBytes(1);
                return one.length == 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    tap.toService(b, off, n);
                    counters.bytesIn().add(n);
                }
                return n;
            }
        };
    }

    /** The service's answers toward the tunnel, counted and shown to the tap once written. */
    private static OutputStream tapped(OutputStream out, TunnelCounters counters, SpliceTap tap) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                tap.fromService(b, off, len);
                counters.bytesOut().add(len);
            }
        };
    }
}
