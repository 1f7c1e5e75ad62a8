package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Flags;
import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.FrameType;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;

/**
 * The one reader thread of a session (a platform thread: see the package comment): decodes frames
 * and hands each to its stream, inbox or tracker. It never runs application code and never writes
 * to a socket (frames it owes the peer go through the {@link Housekeeper}; a stream's bytes go to
 * its buffer, from which the stream's own reader takes them), so a slow application, a full socket
 * or a destination that reads nothing can never stop it from reading.
 */
final class SessionReader implements Runnable {
    private final MuxSession session;
    private final FrameReader frames;
    private final StreamTable table;

    SessionReader(MuxSession session, FrameReader frames, StreamTable table) {
        this.session = session;
        this.frames = frames;
        this.table = table;
    }

    @Override
    public void run() {
        try {
            Frame frame;
            while ((frame = frames.read()) != null) {
                session.markReceived();
                dispatch(frame);
            }
            session.peerClosed();
        } catch (ProtocolException e) {
            session.terminate(e.code(), e.getMessage(), true);
        } catch (IOException e) {
            session.connectionLost(e);
        } catch (RuntimeException | Error e) {
            session.terminate(ErrorCode.INTERNAL_ERROR, "internal error in session reader: " + e, true);
            throw e;
        }
    }

    private void dispatch(Frame f) throws ProtocolException {
        switch (f.type()) {
            case DATA, WINDOW_UPDATE -> onStreamFrame(f);
            case PING -> {
                if (f.has(Flags.ACK)) {
                    session.pings().onAck(f.pingValue());
                } else {
                    session.housekeeper().ackPing(f.pingValue());
                }
            }
            case GO_AWAY -> session.onGoAway(f.errorCode(), f.reason());
            case DATAGRAM -> session.onDatagram(new Datagram(f.streamId(), f.payload()));
            case CONTROL -> session.onControl(f.payload());
        }
    }

    private void onStreamFrame(Frame f) throws ProtocolException {
        int id = f.streamId();
        MuxStream stream;
        if (f.has(Flags.SYN)) {
            table.acceptPeerId(id);
            stream = session.onPeerOpened(id);
            if (stream == null) {
                return; // refused; the RST is on its way
            }
        } else {
            stream = table.get(id);
            if (stream == null) {
                if (table.neverOpened(id)) {
                    throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                            f.type() + " for stream " + id + ", which was never opened");
                }
                return; // crossed a close on the wire
            }
        }
        if (f.has(Flags.RST)) {
            stream.onReset(f.errorCode());
            return;
        }
        if (f.has(Flags.ACK)) {
            stream.onAck();
        }
        if (f.type() == FrameType.DATA) {
            if (f.payload().length > 0) {
                stream.onData(f.payload());
            }
            if (f.has(Flags.FIN)) {
                stream.onFin();
            }
        } else if (f.increment() > 0) {
            stream.onCredit(f.increment());
        }
    }
}
