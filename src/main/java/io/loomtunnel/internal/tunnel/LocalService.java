package io.loomtunnel.internal.tunnel;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.mux.MuxStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a service side does with each stream the far side opens: connect the local TCP service,
 * then splice the two until both directions end. The reverse-tunnel client runs it for a tunnel's
 * local address, a share for its service. A service that cannot be reached resets the stream at
 * once, with the code of its {@link ServiceFailure} (CANCEL for a failure of no class), so the
 * far side's connection fails rather than hanging, and the far side can say why.
 */
public final class LocalService {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private LocalService() {}

    /**
     * Connects {@code service} (looked up now when unresolved) and splices it with {@code stream}
     * on the calling thread, the splice's second thread named after it; counts the stream and its
     * bytes in {@code counters}, the service's bytes as out.
     *
     * @param unreachable told why when the service cannot be reached, before the stream is reset with the failure's code
     */
    public static void splice(MuxStream stream, InetSocketAddress service, TunnelCounters counters,
                              Consumer<IOException> unreachable) {
        splice(stream, service, counters, unreachable, SpliceTap.NONE);
    }

    /** As {@link #splice(MuxStream, InetSocketAddress, TunnelCounters, Consumer)}, {@code tap} seeing the bytes of a spliced stream. */
    public static void splice(MuxStream stream, InetSocketAddress service, TunnelCounters counters,
                              Consumer<IOException> unreachable, SpliceTap tap) {
        counters.streamsOpened().increment();
        Socket local = new Socket();
        try {
            local.setTcpNoDelay(true);
            local.connect(HostPort.resolved(service), (int) CONNECT_TIMEOUT.toMillis());
        } catch (IOException e) {
            counters.streamsClosed().increment();
            counters.streamsReset().increment();
            closeQuietly(local);
            unreachable.accept(e);
            ServiceFailure failure = ServiceFailure.of(e);
            reset(stream, failure == null ? ErrorCode.CANCEL : failure.code);
            return;
        }
        // The service's bytes go out to the far side; the far side's come in to the service.
        boolean clean = Splice.run(local, stream, counters.bytesOut(), counters.bytesIn(), null, null, tap);
        counters.streamsClosed().increment();
        if (!clean) {
            counters.streamsReset().increment();
        }
    }

    /** Resets a stream that will not be served; a session already gone has nothing to reset. */
    public static void reset(MuxStream stream) {
        reset(stream, ErrorCode.CANCEL);
    }

    /** Resets {@code stream} with {@code code}; a session already gone has nothing to reset. */
    public static void reset(MuxStream stream, ErrorCode code) {
        try {
            stream.reset(code);
        } catch (IOException gone) {
            // the session is gone, and the stream with it
        }
    }
}
