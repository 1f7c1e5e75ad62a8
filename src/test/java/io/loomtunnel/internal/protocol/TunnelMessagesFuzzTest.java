package io.loomtunnel.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * The reverse-tunnel control messages (docs/protocol/TUNNEL.md 8.1, 8.4) on arbitrary bytes: decoded,
 * and read as every tunnel message type, each gives the record or a ProtocolException, never another
 * exception. Seeds: src/test/resources/io/loomtunnel/internal/protocol/TunnelMessagesFuzzTestInputs/decode/.
 */
class TunnelMessagesFuzzTest {
    private static final Class<?>[] MESSAGES = {OpenTunnel.class, TunnelOpened.class, TunnelRefused.class,
        CloseTunnel.class, TunnelClosed.class, ErrorReply.class};

    @FuzzTest
    void decode(byte[] json) {
        ControlCodec.Tagged tagged;
        try {
            tagged = ControlCodec.decodeTagged(json);
            if (ControlCodec.decode(json) instanceof TunnelRequest request) {
                assertTrue(request instanceof OpenTunnel || request instanceof CloseTunnel);
            }
        } catch (ProtocolException e) {
            return;
        }
        for (Class<?> type : MESSAGES) {
            try {
                assertNotNull(tagged.as(type));
            } catch (ProtocolException e) {
                // not a valid message of that type
            }
        }
    }
}
