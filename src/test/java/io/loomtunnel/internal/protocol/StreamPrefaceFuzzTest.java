package io.loomtunnel.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The stream preface decoder on arbitrary bytes, and its round trip. */
class StreamPrefaceFuzzTest {

    /** Arbitrary bytes end in a preface, a ProtocolException or an EOFException, and never read past the declared length. */
    @FuzzTest
    void decode(byte[] data) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        try {
            StreamPreface p = StreamPreface.readFrom(in);
            assertFalse(p.tunnel().isEmpty());
            int declared = data.length >= 2 ? ((data[0] & 0xFF) << 8 | (data[1] & 0xFF)) : 0;
            assertEquals(data.length - 2 - declared, in.available(), "reads exactly the preface, no stream bytes after it");
        } catch (ProtocolException | EOFException expected) {
            // malformed or short: refused cleanly
        }
    }

    @Test
    void roundTripKeepsFollowingBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StreamPreface("web", "203.0.113.7:51234").writeTo(out);
        out.write(new byte[] {1, 2, 3});
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(new StreamPreface("web", "203.0.113.7:51234"), StreamPreface.readFrom(in));
        assertEquals(3, in.available());
    }

    @Test
    void oversizedAndWrongTypeAreProtocolErrors() {
        byte[] big = {0x04, 0x01};
        assertTrue(assertThrowsProtocol(big).contains("1025"));
        byte[] json = "{\"type\":\"hello\",\"tunnel\":\"x\"}".getBytes();
        byte[] framed = new byte[json.length + 2];
        framed[1] = (byte) json.length;
        System.arraycopy(json, 0, framed, 2, json.length);
        assertTrue(assertThrowsProtocol(framed).contains("expected a stream preface"));
    }

    private static String assertThrowsProtocol(byte[] b) {
        return org.junit.jupiter.api.Assertions.assertThrows(ProtocolException.class,
                () -> StreamPreface.readFrom(new ByteArrayInputStream(b))).getMessage();
    }
}
