package io.loomtunnel.mux;

import io.loomtunnel.internal.net.MemoryConnection;
/** Two sessions joined by a {@link MemoryConnection}: the multiplexer with no sockets at all. */
record MemoryPair(MuxSession dialer, MuxSession acceptor) implements AutoCloseable {

    static MemoryPair open(MuxConfig config, int pipeCapacity) {
        MemoryConnection.End[] ends = MemoryConnection.pair(pipeCapacity);
        return new MemoryPair(
                MuxSession.start(ends[0].input(), ends[0].output(), ends[0], MuxSession.Role.DIALER, config, "mem-dialer"),
                MuxSession.start(ends[1].input(), ends[1].output(), ends[1], MuxSession.Role.ACCEPTOR, config, "mem-acceptor"));
    }

    @Override
    public void close() {
        dialer.close();
        acceptor.close();
    }
}
