package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.signal.ShareSignaling;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.tls.PeerId;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Offers through another transport (Nostr) with a loomtunnel server's relay as the fallback, sharing
 * side: the share also keeps its registered server session ({@link ServerShareSignaling}, which
 * answers offers the server forwards as well), and every offer from {@code blocks} is answered
 * with that session's relay as its path hint. The connecting side holds the relay ticket for such
 * an offer ({@link ServerTicketSignaling}); the server relays only for a registered share.
 *
 * <p>Threads: {@link #serve} runs {@code blocks} on the caller's thread and the server signaling
 * on one of its own ({@code "loomtunnel share signaling: server"}), joined when serve returns.
 * Either ending ends the other.
 *
 * <p>Locking: {@code this} serializes the two transports' calls into the offer handler, which
 * expects offers one after another; it is held only while one offer is answered (quick).
 */
public final class ServerRelayedShareSignaling implements ShareSignaling, Closeable {
    private final ShareSignaling blocks;
    private final ServerShareSignaling server;

    /** @param blocks delivers offers and answers (Nostr signaling); closed with this */
    public ServerRelayedShareSignaling(ShareSignaling blocks, ServerShareSignaling server) {
        this.blocks = blocks;
        this.server = server;
    }

    @Override
    public PeerId serverId() {
        return server.serverId();
    }

    @Override
    public void serve(OfferHandler handler) throws IOException {
        AtomicReference<IOException> serverFailure = new AtomicReference<>();
        try (OwnedThreads threads = new OwnedThreads("share signaling")) {
            threads.start("server", () -> {
                try {
                    server.serve(serialized(handler, null));
                } catch (IOException e) {
                    serverFailure.set(e);
                    closeQuietly(blocks); // a share that cannot register has no relay to offer: stop
                }
            });
            blocks.serve(serialized(handler, new PathHints(List.of(), server.relay())));
            server.close();
        }
        IOException failed = serverFailure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** {@code handler} one offer at a time; {@code hints}, when given, replace the transport's own. */
    private OfferHandler serialized(OfferHandler handler, PathHints hints) {
        Object lock = this;
        return new OfferHandler() {
            @Override
            public SignedBlock answer(SignedBlock offer) throws SignalException {
                return answer(offer, PathHints.NONE);
            }

            @Override
            public SignedBlock answer(SignedBlock offer, PathHints given) throws SignalException {
                synchronized (lock) {
                    return handler.answer(offer, hints != null ? hints : given);
                }
            }

            @Override
            public void refused(SignalException problem) {
                synchronized (lock) {
                    handler.refused(problem);
                }
            }
        };
    }

    @Override
    public void close() {
        server.close();
        closeQuietly(blocks);
    }

    private static void closeQuietly(ShareSignaling signaling) {
        if (signaling instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // ours close without failing
            }
        }
    }
}
