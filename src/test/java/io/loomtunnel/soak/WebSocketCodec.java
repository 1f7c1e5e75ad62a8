package io.loomtunnel.soak;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** RFC 6455 frames as the soak needs them: unfragmented frames, masked from the client, any length up to a bound. */
final class WebSocketCodec {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** One frame, its payload unmasked. */
    record Frame(boolean fin, int opcode, byte[] payload) {}

    private WebSocketCodec() {}

    /** Writes a final frame; {@code mask} (4 bytes) masks it, as a client must; null sends it unmasked, as a server does. */
    static void write(OutputStream out, int opcode, byte[] payload, byte[] mask) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(14);
        head.put((byte) (0x80 | opcode));
        int maskBit = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            head.put((byte) (maskBit | payload.length));
        } else if (payload.length < 65_536) {
            head.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            head.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        byte[] body = payload;
        if (mask != null) {
            head.put(mask);
            body = new byte[payload.length];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) (payload[i] ^ mask[i & 3]);
            }
        }
        out.write(head.array(), 0, head.position());
        out.write(body);
        out.flush();
    }

    /** Reads one frame of at most {@code maxPayload} bytes. */
    static Frame read(InputStream in, int maxPayload) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        long length = b1 & 0x7F;
        if (length == 126) {
            length = d.readUnsignedShort();
        } else if (length == 127) {
            length = d.readLong();
        }
        if (length < 0 || length > maxPayload) {
            throw new IOException("a WebSocket frame of " + length + " bytes (at most " + maxPayload + ")");
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            mask = new byte[4];
            d.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        d.readFully(payload);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
    }

    /** The Sec-WebSocket-Accept value for a client's key. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
