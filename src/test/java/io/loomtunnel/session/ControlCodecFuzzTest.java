package io.loomtunnel.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.session.ControlCodec.Message;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * ControlCodec on arbitrary bytes, and the hello/welcome round trip. Seeds:
 * src/test/resources/io/loomtunnel/session/ControlCodecFuzzTestInputs/{decode,roundTrip}/
 * (run in every {@code mvn test}); fuzz with {@code scripts/fuzz}.
 */
class ControlCodecFuzzTest {

    /** A CONTROL payload from a peer: a Message or a ProtocolException, never anything else. */
    @FuzzTest
    void decode(byte[] json) {
        Message m;
        try {
            m = ControlCodec.decode(json);
        } catch (ProtocolException e) {
            return; // any other exception escapes and fails the test
        }
        assertNotNull(m.type());
        assertFalse(m.type().isEmpty(), "empty type");
        assertNotNull(m.body());
        assertEquals(m.type(), m.body().get("type").textValue(), "type is the body's \"type\" member");
        readAs(m, Hello.class);
        readAs(m, Welcome.class);
    }

    private static void readAs(Message m, Class<?> type) {
        try {
            assertNotNull(m.as(type));
        } catch (ProtocolException e) {
            // a bad message of that type: fine
        }
    }

    /** What this side encodes, the peer decodes to the same record, null token included. */
    @FuzzTest
    void roundTrip(FuzzedDataProvider d) throws ProtocolException {
        Hello hello = new Hello(maybeNull(d), maybeNull(d));
        Message h = ControlCodec.decode(ControlCodec.encode(Hello.TYPE, hello));
        assertEquals(Hello.TYPE, h.type());
        assertEquals(hello, h.as(Hello.class));

        Welcome welcome = new Welcome(maybeNull(d));
        Message w = ControlCodec.decode(ControlCodec.encode(Welcome.TYPE, welcome));
        assertEquals(Welcome.TYPE, w.type());
        assertEquals(welcome, w.as(Welcome.class));
    }

    private static String maybeNull(FuzzedDataProvider d) {
        return d.consumeBoolean() ? null : d.consumeString(300);
    }
}
