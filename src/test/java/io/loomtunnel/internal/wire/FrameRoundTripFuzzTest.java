package io.loomtunnel.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames built from fuzz data, written by FrameWriter and read back by FrameReader. Seeds:
 * src/test/resources/io/loomtunnel/internal/wire/FrameRoundTripFuzzTestInputs/roundTrip/.
 */
class FrameRoundTripFuzzTest {
    /** Payload lengths the rules single out, so valid frames of every type come up often. */
    private static final int[] INTERESTING_LENGTHS = {0, 1, 2, 3, 4, 5, 8, 9, 1028, 1029, Wire.MAX_PAYLOAD};

    @FuzzTest
    void roundTrip(FuzzedDataProvider d) throws IOException {
        List<Frame> frames = frames(d);
        assertEquals(frames, WireTestSupport.decodeAll(WireTestSupport.encode(frames)));
    }

    /** Up to 16 valid frames from the fuzz data; invalid combinations are skipped. */
    static List<Frame> frames(FuzzedDataProvider d) {
        List<Frame> frames = new ArrayList<>();
        int count = d.consumeInt(0, 16);
        for (int i = 0; i < count && d.remainingBytes() > 0; i++) {
            FrameType type = d.pickValue(FrameType.values());
            // Biased towards what the rules allow, so that most frames are valid.
            int flags = switch (d.consumeInt(0, 3)) {
                case 0 -> Flags.NONE;
                case 1 -> Flags.RST;
                case 2 -> d.consumeInt(0, 0x0F);
                default -> d.consumeInt(0, 0xFF);
            };
            int streamId = switch (d.consumeInt(0, 2)) {
                case 0 -> 0;
                case 1 -> d.consumeInt(1, 8);
                default -> d.consumeInt();
            };
            int length = d.consumeBoolean() ? d.pickValue(INTERESTING_LENGTHS) : d.consumeInt(0, 2048);
            byte[] payload = new byte[length];
            byte[] fill = d.consumeBytes(length);
            System.arraycopy(fill, 0, payload, 0, fill.length);
            try {
                frames.add(new Frame(type, flags, streamId, payload));
            } catch (IllegalArgumentException invalid) {
                // not a frame a peer may send; FrameWriter only ever gets valid Frames
            }
        }
        return frames;
    }
}
