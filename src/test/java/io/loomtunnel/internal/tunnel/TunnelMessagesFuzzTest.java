package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * The reverse-tunnel control messages (docs/protocol/TUNNEL.md 8.1, 8.4) on arbitrary bytes: each read as
 * every message type gives the record or a ProtocolException, never another exception. Seeds:
 * src/test/resources/io/loomtunnel/internal/tunnel/TunnelMessagesFuzzTestInputs/decode/.
 */
class TunnelMessagesFuzzTest {
    private static final Class<?>[] MESSAGES = {OpenTunnel.class, TunnelOpened.class, TunnelRefused.class,
        CloseTunnel.class, TunnelClosed.class};

    @FuzzTest
    void decode(byte[] json) {
        ControlCodec.Message m;
        try {
            m = ControlCodec.decode(json);
        } catch (ProtocolException e) {
            return;
        }
        for (Class<?> type : MESSAGES) {
            try {
                assertNotNull(m.as(type));
            } catch (ProtocolException e) {
                // not a valid message of that type
            }
        }
    }
}
