package io.loomtunnel.internal.h2;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The HPACK decoder on arbitrary blocks, several in a row through one dynamic table: each ends in
 * a field list within the size asked, or a COMPRESSION_ERROR, never another exception.
 * Seeds: src/test/resources/io/loomtunnel/internal/h2/HpackDecoderFuzzTestInputs/decode/.
 */
class HpackDecoderFuzzTest {
    @FuzzTest
    void decode(FuzzedDataProvider data) {
        HpackDecoder decoder = new HpackDecoder(data.consumeInt(0, 8192));
        long limit = data.consumeLong(0, 64 * 1024);
        for (int i = 0; i < 4 && data.remainingBytes() > 0; i++) {
            byte[] block = data.consumeBytes(data.consumeInt(0, 4096));
            try {
                HpackDecoder.Decoded out = decoder.decode(block, limit);
                long size = out.fields().stream().mapToLong(HeaderField::size).sum();
                assertTrue(size <= limit, "kept more than the limit");
            } catch (H2Exception e) {
                assertTrue(e.code() == H2Error.COMPRESSION_ERROR, "not a COMPRESSION_ERROR: " + e);
                return; // the connection would end here
            }
        }
    }
}
