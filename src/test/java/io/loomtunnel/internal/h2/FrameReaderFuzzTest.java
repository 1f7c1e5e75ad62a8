package io.loomtunnel.internal.h2;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * The frame reader on arbitrary bytes: frames no longer than the limit, then the end, an
 * EOFException (cut inside a frame) or a FRAME_SIZE_ERROR; unpadding a frame gives a payload or a
 * connection error. Seeds: src/test/resources/io/loomtunnel/internal/h2/FrameReaderFuzzTestInputs/read/.
 */
class FrameReaderFuzzTest {
    private static final int MAX = 1024;

    @FuzzTest
    void read(byte[] data) {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(data), MAX);
        long total = 0;
        try {
            for (Frame f; (f = reader.read()) != null; ) {
                assertTrue(f.payload().length <= MAX, "a frame over the limit");
                assertTrue(f.stream() >= 0, "a negative stream id");
                total += 9 + f.payload().length;
                try {
                    assertTrue(f.unpadded().length <= f.payload().length);
                } catch (H2Exception e) {
                    assertTrue(e.code() == H2Error.PROTOCOL_ERROR || e.code() == H2Error.FRAME_SIZE_ERROR, e.toString());
                }
            }
            assertTrue(total == data.length, "frames do not add up to the input");
        } catch (H2Exception e) {
            assertTrue(e.code() == H2Error.FRAME_SIZE_ERROR, e.toString());
        } catch (EOFException e) {
            // cut inside a frame
        } catch (IOException e) {
            fail("neither frames, the end, an EOFException nor a FRAME_SIZE_ERROR", e);
        }
    }
}
