package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session's open streams by id, and the id rules of docs/protocol/SESSION.md 3.1.
 *
 * <p>Locking: none of its own. {@code streams} is a concurrent map and {@code peerStreams} an
 * atomic count; {@code nextLocalId} is allocated under the session's {@code openLock} and
 * volatile for the reader; {@code lastPeerId} belongs to the reader thread alone.
 */
final class StreamTable {
    private final ConcurrentHashMap<Integer, MuxStream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger peerStreams = new AtomicInteger();
    private final boolean dialer;
    /** Written under MuxSession's open lock, read by the reader thread. */
    private volatile int nextLocalId;
    /** Reader thread only. */
    private int lastPeerId;

    StreamTable(boolean dialer) {
        this.dialer = dialer;
        this.nextLocalId = dialer ? 1 : 2;
    }

    /** The next id for a stream this side opens, or -1 when ids are used up. Caller serializes. */
    int allocateLocalId() {
        int id = nextLocalId;
        if (id <= 0) {
            return -1; // wrapped past 2^31-1
        }
        nextLocalId = id + 2;
        return id;
    }

    boolean isLocal(int id) {
        return (id % 2 == 1) == dialer;
    }

    /** Checks the id of a SYN from the peer and records it as the peer's latest. */
    void acceptPeerId(int id) throws ProtocolException {
        if (isLocal(id)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "peer opened stream " + id + " with this side's parity");
        }
        if (id <= lastPeerId) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                    "peer opened stream " + id + " after stream " + lastPeerId + "; ids must increase");
        }
        lastPeerId = id;
    }

    /** Whether {@code id} has never been opened by either side (a frame for it is a protocol error). */
    boolean neverOpened(int id) {
        return isLocal(id) ? id >= nextLocalId || id < 0 : id > lastPeerId;
    }

    MuxStream get(int id) {
        return streams.get(id);
    }

    void put(MuxStream stream) {
        streams.put(stream.id(), stream);
        if (!isLocal(stream.id())) {
            peerStreams.incrementAndGet();
        }
    }

    void remove(MuxStream stream) {
        if (streams.remove(stream.id(), stream) && !isLocal(stream.id())) {
            peerStreams.decrementAndGet();
        }
    }

    int peerStreamCount() {
        return peerStreams.get();
    }

    int size() {
        return streams.size();
    }

    Collection<MuxStream> all() {
        return streams.values();
    }
}
