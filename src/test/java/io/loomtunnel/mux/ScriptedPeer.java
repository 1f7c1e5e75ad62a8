package io.loomtunnel.mux;

import io.loomtunnel.internal.wire.Frame;
import io.loomtunnel.internal.wire.FrameReader;
import io.loomtunnel.internal.wire.FrameWriter;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The far end of one {@link MuxSession}, following a script, in the manner of OkHttp's
 * MockHttp2Peer. A test writes the script first: in order, the frames the peer sends
 * ({@link #sendFrame}) and the frames it waits for ({@link #acceptFrame}). {@link #play} starts the
 * real session on one end of a loopback TCP connection and the script on the other. The test then
 * drives the session and takes the frames the session wrote, one by one ({@link #takeFrame}), to
 * check their type, flags, stream id, length and payload exactly.
 *
 * <p>The peer sends a frame only when every step before it is done, so "send X after the session
 * wrote Y" is written as {@code acceptFrame()} for Y, then {@code sendFrame(X)}. A session's
 * keepalive sends its first PING as soon as it starts, so the first step of a script is usually
 * {@code acceptFrame()} for that PING, and a test takes it before it makes the session write
 * anything else; the test's config puts the next keepalive an hour away.
 */
final class ScriptedPeer implements AutoCloseable {
    private static final Duration TAKE_TIMEOUT = Duration.ofSeconds(10);

    /** What the peer got when it read: a frame, the end of the connection, or a failure. */
    private sealed interface Received {}

    private record Got(Frame frame) implements Received {}

    private record Ended() implements Received {}

    private record Failed(IOException cause) implements Received {}

    private sealed interface Step {}

    private record Send(byte[] encoded) implements Step {}

    private record Accept() implements Step {}

    private final List<Step> script = new ArrayList<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private Socket peerSocket;
    private Socket sessionSocket;
    private Thread player;

    /** Adds a frame for the peer to send once the steps before it are done. */
    void sendFrame(Frame frame) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            new FrameWriter(bytes).write(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        script.add(new Send(bytes.toByteArray()));
    }

    /** Adds a step that reads one frame from the session (or the end of the connection). */
    void acceptFrame() {
        script.add(new Accept());
    }

    /** Connects a session with {@code role} to this peer over loopback TCP and starts the script. */
    MuxSession play(MuxSession.Role role, MuxConfig config) throws IOException {
        return play(role, config, System::nanoTime);
    }

    /** As {@link #play(MuxSession.Role, MuxConfig)}, the session timing RTTs and window growth by {@code nanoClock}. */
    MuxSession play(MuxSession.Role role, MuxConfig config, LongSupplier nanoClock) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sessionSocket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            peerSocket = server.accept();
        }
        sessionSocket.setTcpNoDelay(true);
        peerSocket.setTcpNoDelay(true);
        List<Step> steps = List.copyOf(script);
        player = Thread.ofVirtual().name("scripted peer").start(() -> playScript(steps));
        return MuxSession.start(new BufferedInputStream(sessionSocket.getInputStream(), 65_536),
                sessionSocket.getOutputStream(), sessionSocket, role, config, "scripted", nanoClock);
    }

    /** The next frame the session wrote; fails if none came within 10 s or the connection ended. */
    Frame takeFrame() throws InterruptedException {
        Received r = take();
        return switch (r) {
            case Got g -> g.frame();
            case Ended e -> throw new AssertionError("the session closed the connection instead of writing a frame");
            case Failed f -> throw new AssertionError("the peer could not read the session's next frame", f.cause());
        };
    }

    /** Asserts that the session closed the connection, cleanly, after the frames taken so far. */
    void takeEnd() throws InterruptedException {
        Received r = take();
        if (!(r instanceof Ended)) {
            throw new AssertionError("expected the session to close the connection, got " + r);
        }
    }

    private Received take() throws InterruptedException {
        Received r = received.poll(TAKE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        if (r == null) {
            throw new AssertionError("the session wrote nothing within " + TAKE_TIMEOUT.toSeconds()
                    + " s (or the script has no acceptFrame() step left)");
        }
        return r;
    }

    private void playScript(List<Step> steps) {
        try {
            InputStream in = new BufferedInputStream(peerSocket.getInputStream(), 65_536);
            OutputStream out = peerSocket.getOutputStream();
            FrameReader reader = new FrameReader(in);
            for (Step step : steps) {
                switch (step) {
                    case Send s -> {
                        out.write(s.encoded());
                        out.flush();
                    }
                    case Accept a -> {
                        Frame f = reader.read();
                        if (f == null) {
                            received.add(new Ended());
                            return; // nothing more can be played
                        }
                        received.add(new Got(f));
                    }
                }
            }
        } catch (IOException e) {
            received.add(new Failed(e));
        }
    }

    /** Closes the peer's end of the connection and waits for the script's thread to end. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (peerSocket != null) {
            peerSocket.close();
            sessionSocket.close();
            player.join();
        }
    }

    @Override
    public String toString() {
        return "scripted peer of " + script.size() + " steps";
    }
}
