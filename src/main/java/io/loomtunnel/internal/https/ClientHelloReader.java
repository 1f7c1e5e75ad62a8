package io.loomtunnel.internal.https;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a connection's first TLS handshake message, the ClientHello, from its records (RFC 8446
 * 5.1: a handshake message may span records), keeping every byte read so that they can be handed
 * on unchanged: to the JSSE engine that terminates TLS, or to a passthrough tunnel.
 */
public final class ClientHelloReader {
    /** The largest ClientHello taken: plenty for post-quantum key shares, small enough per stranger. */
    public static final int MAX_HELLO_BYTES = 16 * 1024;
    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int MAX_RECORD = 16_384;

    /** The ClientHello and every byte read to get it. */
    public record Peeked(ClientHello hello, byte[] raw) {
    }

    private ClientHelloReader() {
    }

    /**
     * Reads records until the ClientHello is whole; the caller's socket timeout bounds each read.
     *
     * @throws NotAClientHelloException when the bytes are not a ClientHello, or it is larger than {@link #MAX_HELLO_BYTES}
     * @throws EOFException when the connection ends first
     */
    public static Peeked read(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream(1024);
        ByteArrayOutputStream message = new ByteArrayOutputStream(1024);
        int wanted = -1; // the handshake message's length with its header, once known
        while (wanted < 0 || message.size() < wanted) {
            byte[] header = in.readNBytes(5);
            raw.write(header);
            if (header.length < 5) {
                throw new EOFException("the connection ended within a ClientHello");
            }
            int type = header[0] & 0xff;
            int length = (header[3] & 0xff) << 8 | (header[4] & 0xff);
            if (type != HANDSHAKE || header[1] != 3 || length == 0 || length > MAX_RECORD) {
                throw new NotAClientHelloException("not a TLS handshake record");
            }
            if (raw.size() + length > MAX_HELLO_BYTES) {
                throw new NotAClientHelloException("ClientHello larger than " + MAX_HELLO_BYTES + " bytes");
            }
            byte[] fragment = in.readNBytes(length);
            raw.write(fragment);
            if (fragment.length < length) {
                throw new EOFException("the connection ended within a ClientHello");
            }
            message.write(fragment);
            if (wanted < 0 && message.size() >= 4) {
                byte[] m = message.toByteArray();
                if (m[0] != CLIENT_HELLO) {
                    throw new NotAClientHelloException("the first handshake message is not a ClientHello");
                }
                wanted = 4 + ((m[1] & 0xff) << 16 | (m[2] & 0xff) << 8 | (m[3] & 0xff));
            }
        }
        byte[] m = message.toByteArray();
        if (m.length != wanted) {
            throw new NotAClientHelloException("a record holds more than the ClientHello");
        }
        byte[] body = new byte[m.length - 4];
        System.arraycopy(m, 4, body, 0, body.length);
        return new Peeked(ClientHello.parse(body), raw.toByteArray());
    }
}
