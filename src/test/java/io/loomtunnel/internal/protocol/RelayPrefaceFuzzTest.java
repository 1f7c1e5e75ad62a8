package io.loomtunnel.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The relay's stream messages (docs/protocol/P2P.md 9.6) on arbitrary bytes: the preface a peer writes and
 * the reply the server writes. Seeds: src/test/resources/io/loomtunnel/internal/protocol/RelayPrefaceFuzzTestInputs/.
 */
class RelayPrefaceFuzzTest {

    /** A preface with a valid session id and role, or a ProtocolException or EOFException; never a read past its length. */
    @FuzzTest
    void preface(byte[] data) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        try {
            RelayPreface p = RelayPreface.readFrom(in);
            assertEquals(22, p.session().length());
            assertTrue(p.parsedRole() == RelayRole.CONNECT || p.parsedRole() == RelayRole.SHARE);
            assertEquals(data.length - 2 - declared(data), in.available(), "reads the preface only: the peers' bytes follow it");
        } catch (ProtocolException | EOFException expected) {
            // malformed or short: refused cleanly
        }
    }

    /** Ready, or refused with a reason, or a ProtocolException or EOFException; never a read past its length. */
    @FuzzTest
    void reply(byte[] data) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(data);
        try {
            RelayReply r = RelayReply.readFrom(in);
            assertTrue(r instanceof RelayReady || !((RelayRefused) r).reason().isBlank());
            assertEquals(data.length - 2 - declared(data), in.available());
        } catch (ProtocolException | EOFException expected) {
            // malformed or short: refused cleanly
        }
    }

    private static int declared(byte[] data) {
        return data.length >= 2 ? ((data[0] & 0xFF) << 8 | (data[1] & 0xFF)) : 0;
    }

    @Test
    void prefaceAndReplyRoundTripAndLeaveWhatFollows() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelayPreface.of("BfELxJtVci-bjcouIZNG7w", RelayRole.SHARE).writeTo(out);
        new RelayRefused("no relay for you").writeTo(out);
        new RelayReady().writeTo(out);
        out.write(new byte[] {0x16, 0x03});
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(new RelayPreface("BfELxJtVci-bjcouIZNG7w", "share"), RelayPreface.readFrom(in));
        assertEquals(new RelayRefused("no relay for you"), RelayReply.readFrom(in));
        assertEquals(new RelayReady(), RelayReply.readFrom(in));
        assertEquals(2, in.available());
    }

    @Test
    void badSessionsRolesAndTypesAreProtocolErrors() {
        assertTrue(refused("{\"type\":\"p2p_relay\",\"session\":\"short\",\"role\":\"share\"}").contains("no valid session id"));
        assertTrue(refused("{\"type\":\"p2p_relay\",\"session\":\"BfELxJtVci-bjcouIZNG7w\",\"role\":\"server\"}")
                .contains("role must be connect or share"));
        assertTrue(refused("{\"type\":\"stream\",\"tunnel\":\"x\"}").contains("expected a relay preface"));
        assertFalse(refused("{\"type\":\"p2p_relay\"}").isEmpty());
    }

    private static String refused(String json) {
        byte[] body = json.getBytes();
        byte[] framed = new byte[body.length + 2];
        framed[1] = (byte) body.length;
        System.arraycopy(body, 0, framed, 2, body.length);
        return assertThrows(ProtocolException.class, () -> RelayPreface.readFrom(new ByteArrayInputStream(framed))).getMessage();
    }
}
