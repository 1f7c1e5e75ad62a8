package io.loomtunnel.internal.https;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One passthrough connection: the ClientHello already read, then every byte both ways, untouched,
 * between the visitor and a stream to the tunnel's client (whose local service terminates TLS).
 * The calling thread carries service to visitor; a second thread of the listener carries visitor
 * to service. Each direction half-closes the other side when its source ends; the splice ends when
 * both have, or when either side fails (which closes both).
 */
final class PassthroughSplice {
    private static final System.Logger LOG = System.getLogger(PassthroughSplice.class.getName());
    private final Socket visitor;
    private final HttpRoute route;
    private final byte[] hello;
    private final OwnedThreads threads;
    private final int bufferBytes;

    PassthroughSplice(Socket visitor, HttpRoute route, byte[] hello, OwnedThreads threads, int bufferBytes) {
        this.visitor = visitor;
        this.route = route;
        this.hello = hello;
        this.threads = threads;
        this.bufferBytes = bufferBytes;
    }

    /** Runs the splice to its end; the visitor's socket is closed by the caller. */
    void run() throws IOException {
        Upstream up;
        try {
            up = route.open();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.INFO, () -> "https passthrough to tunnel '" + route.name() + "' failed: " + e.getMessage());
            return; // TLS to a service we cannot reach: closing is the only answer there is
        }
        try (up) {
            OutputStream toService = up.output();
            toService.write(hello);
            toService.flush();
            Future<?> upward = threads.start(Thread.currentThread().getName() + " -> service", () -> {
                try {
                    copy(visitor.getInputStream(), toService);
                    up.shutdownOutput();
                } catch (IOException e) {
                    closeQuietly(visitor);
                    closeQuietly(up);
                }
            });
            try {
                copy(up.input(), visitor.getOutputStream());
                visitor.shutdownOutput();
            } catch (IOException e) {
                closeQuietly(visitor);
                closeQuietly(up);
            }
            try {
                upward.get();
            } catch (ExecutionException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "https passthrough: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[bufferBytes];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            out.flush();
        }
    }
}
