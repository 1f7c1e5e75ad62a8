package io.loomtunnel.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.wire.WireTestSupport.RecordingInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * FrameReader on arbitrary bytes. Seeds: src/test/resources/io/loomtunnel/internal/wire/FrameDecodeFuzzTestInputs/decode/
 * (run in every {@code mvn test}); fuzz with {@code scripts/fuzz}.
 */
class FrameDecodeFuzzTest {

    @FuzzTest
    void decode(byte[] data) {
        RecordingInputStream in = new RecordingInputStream(data);
        FrameReader reader = new FrameReader(in);
        while (true) {
            int start = in.position();
            Frame frame;
            try {
                frame = reader.read();
            } catch (EOFException e) {
                assertTrue(in.atEnd(), "EOFException before the end of the input: " + e.getMessage());
                break;
            } catch (ProtocolException e) {
                break; // a rule was broken: the session ends here
            } catch (IOException e) {
                fail("neither a frame, a ProtocolException nor an EOFException", e);
                return;
            }
            if (frame == null) {
                assertTrue(in.atEnd(), "null (clean end) before the end of the input");
                break;
            }
            byte[] consumed = Arrays.copyOfRange(data, start, in.position());
            assertArrayEquals(consumed, WireTestSupport.encode(frame), () -> "re-encoding " + frame);
        }
        assertTrue(in.largestRequest() <= Wire.MAX_PAYLOAD,
                () -> "the reader asked for " + in.largestRequest() + " bytes at once");
    }
}
