package io.loomtunnel.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ControlCodec on exact inputs: docs/protocol/SESSION.md 1.2 (hello, unknown members) and 4.4 (one JSON object with a type). */
class ControlCodecTest {

    @Test
    void validHello() throws ProtocolException {
        ControlMessage m = decode("{\"type\":\"hello\",\"software\":\"loomtunnel/0.1.0\",\"token\":\"s3cret\"}");
        assertEquals("hello", m.type());
        assertEquals(new Hello("loomtunnel/0.1.0", "s3cret"), m);
    }

    @Test
    void helloWithoutTokenHasNullToken() throws ProtocolException {
        assertEquals(new Hello("loomtunnel/0.1.0", null), decode("{\"type\":\"hello\",\"software\":\"loomtunnel/0.1.0\"}"));
    }

    @Test
    void encodeLeavesOutNullMembers() {
        String json = new String(ControlCodec.encode(new Hello("loomtunnel/0.1.0", null)), StandardCharsets.UTF_8);
        assertEquals("{\"type\":\"hello\",\"software\":\"loomtunnel/0.1.0\"}", json);
    }

    @Test
    void unknownMembersAreIgnored() throws ProtocolException {
        ControlMessage m = decode("{\"type\":\"welcome\",\"software\":\"loomtunnel/9.0\",\"future\":{\"a\":[1,2,3]},\"n\":7}");
        assertEquals("welcome", m.type());
        assertEquals(new Welcome("loomtunnel/9.0"), m);
    }

    @Test
    void duplicateKeysAreRejected() {
        rejected("{\"type\":\"hello\",\"token\":\"a\",\"token\":\"b\"}");
        rejected("{\"type\":\"hello\",\"type\":\"welcome\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"type\":\"hello\"}]", "\"hello\"", "42", "null", "true", ""})
    void notAnObjectIsRejected(String json) {
        rejected(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"software\":\"x\"}", "{\"type\":\"\"}", "{\"type\":null}", "{\"type\":7}",
            "{\"type\":[\"hello\"]}", "{\"type\":{\"name\":\"hello\"}}", "{\"type\":true}"})
    void missingEmptyOrNonStringTypeIsRejected(String json) {
        rejected(json);
    }

    @Test
    void nestingUpTo16IsAcceptedBeyondIsRejected() throws ProtocolException {
        // The outer object is level 1; 15 more arrays make 16.
        assertEquals("x", decode("{\"type\":\"x\",\"a\":" + "[".repeat(15) + "]".repeat(15) + "}").type());
        rejected("{\"type\":\"x\",\"a\":" + "[".repeat(16) + "]".repeat(16) + "}");
        rejected("{\"type\":\"x\",\"a\":" + "{\"b\":".repeat(16) + "1" + "}".repeat(16) + "}");
        rejected("[".repeat(10_000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"hello\"} x", "{\"type\":\"hello\"}{}", "{\"type\":\"hello\"}]",
            "{\"type\":\"hello\"} 1", "{\"type\":\"hello\"", "{\"type\":\"hello\",}"})
    void trailingGarbageAndTruncationAreRejected(String json) {
        rejected(json);
    }

    @Test
    void wrongMemberTypeIsAProtocolError() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode("{\"type\":\"hello\",\"software\":{\"x\":1}}"));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("bad \"hello\" control message", e.getMessage().substring(0, e.getMessage().indexOf(':')));
    }

    @Test
    void anUnknownTypeIsAnUnknownMessageNotAnError() throws ProtocolException {
        assertEquals(new UnknownMessage("p2p_future"), decode("{\"type\":\"p2p_future\",\"x\":[1]}"));
        assertThrows(IllegalArgumentException.class, () -> ControlCodec.encode(new UnknownMessage("x")), "never sent");
    }

    private static ControlMessage decode(String json) throws ProtocolException {
        return ControlCodec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void rejected(String json) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> decode(json), json);
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code(), json);
    }
}
