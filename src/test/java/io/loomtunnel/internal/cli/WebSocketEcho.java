package io.loomtunnel.internal.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal RFC 6455 echo server for tests: answers the handshake, echoes text frames, answers close. */
final class WebSocketEcho {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Pattern KEY = Pattern.compile("(?im)^sec-websocket-key:\\s*(\\S+)\\s*$");

    private WebSocketEcho() {}

    static void serve(Socket s, String requestHead) throws IOException {
        Matcher key = KEY.matcher(requestHead);
        if (!key.find()) {
            throw new IOException("not a WebSocket handshake: " + requestHead);
        }
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(key.group(1)) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            in.readFully(mask); // client frames are always masked
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            int opcode = b0 & 0x0F;
            if (opcode == 0x8) { // close: answer it and stop
                out.write(new byte[] {(byte) 0x88, 0});
                return;
            }
            if (opcode == 0x1) {
                byte[] reply = ("echo: " + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                out.write(new byte[] {(byte) 0x81, (byte) reply.length}); // short text frames only, unmasked
                out.write(reply);
            }
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
