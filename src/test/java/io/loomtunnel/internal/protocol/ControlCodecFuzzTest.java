package io.loomtunnel.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * ControlCodec on arbitrary bytes, and the hello/welcome round trip. Seeds:
 * src/test/resources/io/loomtunnel/internal/protocol/ControlCodecFuzzTestInputs/{decode,roundTrip}/
 * (run in every {@code mvn test}); fuzz with {@code scripts/fuzz}.
 */
class ControlCodecFuzzTest {

    /**
     * A CONTROL payload from a peer: a message or a ProtocolException, never anything else; a
     * message of a registered type encodes back to the same record.
     */
    @FuzzTest
    void decode(byte[] json) throws ProtocolException {
        ControlMessage m;
        try {
            m = ControlCodec.decode(json);
        } catch (ProtocolException e) {
            return; // any other exception escapes and fails the test
        }
        assertFalse(m.type().isEmpty(), "empty type");
        assertEquals(m.type(), ControlCodec.decodeTagged(json).type(), "type is the body's \"type\" member");
        if (!(m instanceof UnknownMessage)) {
            assertEquals(m, ControlCodec.decode(ControlCodec.encode(m)), "re-encoded");
        }
    }

    /** What this side encodes, the peer decodes to the same record, null token included. */
    @FuzzTest
    void roundTrip(FuzzedDataProvider d) throws ProtocolException {
        Hello hello = new Hello(maybeNull(d), maybeNull(d));
        ControlMessage h = ControlCodec.decode(ControlCodec.encode(hello));
        assertEquals("hello", h.type());
        assertEquals(hello, h);

        Welcome welcome = new Welcome(maybeNull(d));
        ControlMessage w = ControlCodec.decode(ControlCodec.encode(welcome));
        assertEquals("welcome", w.type());
        assertEquals(welcome, w);
    }

    private static String maybeNull(FuzzedDataProvider d) {
        return d.consumeBoolean() ? null : d.consumeString(300);
    }
}
