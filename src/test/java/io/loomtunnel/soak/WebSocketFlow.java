package io.loomtunnel.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A WebSocket through the server's HTTP ingress to the echo app behind a client, held open for
 * {@code perConnection} binary frames (up to {@code maxFrame} bytes, each echoed and compared),
 * then closed with a close handshake and opened again: a long-lived upgraded stream.
 */
final class WebSocketFlow extends IngressFlow {
    private final int maxFrame;

    WebSocketFlow(String name, Set<Part> path, Env env, long maxRounds, InetSocketAddress ingress, String host, int maxFrame,
            int perConnection, long pauseMs) {
        super(name, path, env, maxRounds, ingress, host, 1, maxFrame, perConnection, pauseMs);
        this.maxFrame = maxFrame;
    }

    @Override
    Socket open(SplittableRandom random) throws IOException {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        return upgrade(ingress, host, nonce, TIMEOUT_MS);
    }

    /** Connects to {@code ingress} and upgrades to a WebSocket on {@code host}; every read bounded by {@code timeoutMs}. */
    static Socket upgrade(InetSocketAddress ingress, String host, byte[] nonce, int timeoutMs) throws IOException {
        String key = Base64.getEncoder().encodeToString(nonce);
        Socket s = connect(ingress, timeoutMs);
        try {
            s.getOutputStream().write(("GET /soak HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = HttpWire.readHead(s.getInputStream());
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
            }
            if (!WebSocketCodec.accept(key).equals(HttpWire.header(head, "Sec-WebSocket-Accept"))) {
                throw new Garbled("the upgrade's Sec-WebSocket-Accept is not the one for our key");
            }
            return s;
        } catch (IOException e) {
            TcpExchange.closeQuietly(s);
            throw e;
        }
    }

    @Override
    boolean exchange(Socket s, long n, byte[] payload, SplittableRandom random, boolean last) throws IOException {
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        WebSocketCodec.write(s.getOutputStream(), WebSocketCodec.BINARY, payload, mask);
        WebSocketCodec.Frame echo = WebSocketCodec.read(s.getInputStream(), maxFrame);
        if (echo.opcode() != WebSocketCodec.BINARY || !echo.fin() || !Arrays.equals(echo.payload(), payload)) {
            throw new Garbled("the echo (opcode " + echo.opcode() + ", " + echo.payload().length + " bytes) differs from the frame at byte "
                    + Arrays.mismatch(echo.payload(), payload));
        }
        if (last) { // the close handshake: our close frame, the app's back
            WebSocketCodec.write(s.getOutputStream(), WebSocketCodec.CLOSE, new byte[] {0x03, (byte) 0xE8}, mask);
            WebSocketCodec.Frame reply = WebSocketCodec.read(s.getInputStream(), 125);
            if (reply.opcode() != WebSocketCodec.CLOSE) {
                throw new Garbled("our close was answered with opcode " + reply.opcode());
            }
        }
        return true;
    }

    @Override
    String round(long n, int size) {
        return "frame " + n + " (" + size + " bytes)";
    }
}
