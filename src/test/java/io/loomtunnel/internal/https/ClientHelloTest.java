package io.loomtunnel.internal.https;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict ClientHello parser and the record reader, on hellos of openssl and curl and on hand-made bad ones. */
class ClientHelloTest {
    static byte[] seed(String name) throws IOException {
        try (InputStream in = ClientHelloTest.class.getResourceAsStream("ClientHelloFuzzTestInputs/parse/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void realHellosGiveTheirServerNameAndProtocols() throws Exception {
        ClientHello openssl = ClientHello.parse(seed("openssl-sni-alpn"));
        assertEquals("web.localhost", openssl.serverName());
        assertEquals(List.of("h2", "http/1.1"), openssl.protocols());
        assertEquals("a.wild.test", ClientHello.parse(seed("curl-sni")).serverName());
        assertNull(ClientHello.parse(seed("openssl-tls12-no-sni")).serverName());
    }

    @Test
    void readerReassemblesAHelloSplitOverRecordsAndKeepsEveryByte() throws Exception {
        byte[] body = seed("curl-sni");
        byte[] message = handshake(body);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        int[] cuts = {0, 3, 200, message.length};
        for (int i = 0; i + 1 < cuts.length; i++) {
            raw.write(record(Arrays.copyOfRange(message, cuts[i], cuts[i + 1])));
        }
        byte[] after = "then application data".getBytes(StandardCharsets.US_ASCII);
        raw.write(after);
        InputStream in = new ByteArrayInputStream(raw.toByteArray());
        ClientHelloReader.Peeked p = ClientHelloReader.read(in);
        assertEquals("a.wild.test", p.hello().serverName());
        assertArrayEquals(Arrays.copyOf(raw.toByteArray(), raw.size() - after.length), p.raw());
        assertArrayEquals(after, in.readAllBytes(), "read past the hello");
    }

    @Test
    void badHellosAreRefused() throws Exception {
        byte[] good = seed("openssl-sni-alpn");
        assertThrows(NotAClientHelloException.class, () -> ClientHello.parse(Arrays.copyOf(good, good.length + 1)), "trailing byte");
        assertThrows(NotAClientHelloException.class, () -> ClientHello.parse(Arrays.copyOf(good, good.length - 1)), "truncated");
        assertThrows(NotAClientHelloException.class, () -> ClientHello.parse(built(sni("a.example"), sni("b.example"))), "SNI twice");
        assertThrows(NotAClientHelloException.class, () -> ClientHello.parse(built(sni("a..example"))), "empty label");
        assertThrows(NotAClientHelloException.class, () -> ClientHello.parse(built(sni("a.example."))), "trailing dot");
        assertThrows(NotAClientHelloException.class, () -> ClientHello.parse(built(sni("a b"))), "space");
        assertEquals("x.example", ClientHello.parse(built(sni("X.Example"))).serverName());
        assertThrows(NotAClientHelloException.class, () -> read("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(EOFException.class, () -> read(Arrays.copyOf(record(handshake(good)), 40)));
        byte[] huge = new byte[ClientHelloReader.MAX_HELLO_BYTES];
        byte[] message = handshake(huge);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int at = 0; at < message.length; at += 16_384) {
            records.write(record(Arrays.copyOfRange(message, at, Math.min(message.length, at + 16_384))));
        }
        assertThrows(NotAClientHelloException.class, () -> read(records.toByteArray()), "larger than the limit");
    }

    private static ClientHelloReader.Peeked read(byte[] bytes) throws IOException {
        return ClientHelloReader.read(new ByteArrayInputStream(bytes));
    }

    static byte[] handshake(byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = 1;
        m[1] = (byte) (body.length >> 16);
        m[2] = (byte) (body.length >> 8);
        m[3] = (byte) body.length;
        System.arraycopy(body, 0, m, 4, body.length);
        return m;
    }

    static byte[] record(byte[] fragment) {
        byte[] r = new byte[5 + fragment.length];
        r[0] = 22;
        r[1] = 3;
        r[2] = 1;
        r[3] = (byte) (fragment.length >> 8);
        r[4] = (byte) fragment.length;
        System.arraycopy(fragment, 0, r, 5, fragment.length);
        return r;
    }

    /** A minimal ClientHello body with these extensions (each type and data, already framed). */
    private static byte[] built(byte[]... extensions) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(3);
        b.write(3);
        b.writeBytes(new byte[32]);
        b.write(0); // session id
        b.writeBytes(new byte[] {0, 2, 0x13, 0x01}); // one suite
        b.writeBytes(new byte[] {1, 0}); // null compression
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        for (byte[] e : extensions) {
            ext.writeBytes(e);
        }
        b.write(ext.size() >> 8);
        b.write(ext.size());
        b.writeBytes(ext.toByteArray());
        return b.toByteArray();
    }

    private static byte[] sni(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        int list = 3 + n.length;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 0, (byte) ((list + 2) >> 8), (byte) (list + 2), (byte) (list >> 8), (byte) list, 0,
                (byte) (n.length >> 8), (byte) n.length});
        b.writeBytes(n);
        return b.toByteArray();
    }
}
