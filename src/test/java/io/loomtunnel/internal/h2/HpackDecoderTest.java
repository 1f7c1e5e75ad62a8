package io.loomtunnel.internal.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HPACK decoding against RFC 7541's own examples (Appendix C.4, Huffman), the limits, and our encoder. */
class HpackDecoderTest {
    private static final long LIMIT = 32 * 1024;

    @Test
    void decodesTheRfcsThreeRequestsInOrderWithItsDynamicTable() throws Exception {
        HpackDecoder d = new HpackDecoder(4096);
        assertEquals(List.of(f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f(":authority", "www.example.com")),
                d.decode(hex("828684418cf1e3c2e5f23a6ba0ab90f4ff"), LIMIT).fields());
        assertEquals(List.of(f(":method", "GET"), f(":scheme", "http"), f(":path", "/"), f(":authority", "www.example.com"),
                f("cache-control", "no-cache")), d.decode(hex("828684be5886a8eb10649cbf"), LIMIT).fields());
        assertEquals(List.of(f(":method", "GET"), f(":scheme", "https"), f(":path", "/index.html"), f(":authority", "www.example.com"),
                f("custom-key", "custom-value")), d.decode(hex("828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf"), LIMIT).fields());
    }

    @Test
    void whatOurEncoderWritesDecodesToTheSameFields() throws Exception {
        List<HeaderField> fields = List.of(f(":status", "200"), f(":status", "418"), f("content-type", "text/plain"),
                f("x-long", "v".repeat(300)), f("set-cookie", "a=b"), f("x-empty", ""));
        assertEquals(fields, new HpackDecoder(4096).decode(HpackEncoder.encode(fields), LIMIT).fields());
    }

    @Test
    void aListOverTheLimitIsDecodedToItsEndButFlaggedAndCut() throws Exception {
        HpackDecoder d = new HpackDecoder(4096);
        // literal with indexing "x-a: 1000 x 'a'", then the same entry indexed (62) forty times: small block, large list
        byte[] literal = HpackEncoder.encode(List.of(f("x-a", "a".repeat(1000))));
        literal[0] = 0x40; // with incremental indexing, new name
        byte[] block = new byte[literal.length + 40];
        System.arraycopy(literal, 0, block, 0, literal.length);
        java.util.Arrays.fill(block, literal.length, block.length, (byte) 0xbe);
        HpackDecoder.Decoded out = d.decode(block, 8 * 1024);
        assertTrue(out.tooLarge());
        assertTrue(out.fields().size() < 10, "fields past the limit are dropped");
        assertFalse(d.decode(hex("be"), LIMIT).tooLarge(), "the table still holds the entry for the next block");
    }

    @Test
    void malformedBlocksAreCompressionErrors() {
        for (String bad : List.of("80", "c0", "3fe21f", "0081ff", "00", "0f", "ff80808080808001", "be", "8203", "4003")) {
            H2Exception e = assertThrows(H2Exception.class, () -> new HpackDecoder(4096).decode(hex(bad), LIMIT), bad);
            assertEquals(H2Error.COMPRESSION_ERROR, e.code(), bad);
        }
    }

    @Test
    void huffmanPaddingMustBeShortAndAllOnes() {
        // "a" is 00011 (5 bits): padded with three ones is fine, with zeros or a whole extra byte of ones is not
        assertThrows(H2Exception.class, () -> Huffman.decode(new byte[] {0x18}, 0, 1));
        assertThrows(H2Exception.class, () -> Huffman.decode(new byte[] {0x1f, (byte) 0xff}, 0, 2));
        assertThrowsNothing(() -> assertEquals("a", new String(Huffman.decode(new byte[] {0x1f}, 0, 1))));
    }

    private interface Check {
        void run() throws Exception;
    }

    private static void assertThrowsNothing(Check c) {
        try {
            c.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static HeaderField f(String name, String value) {
        return new HeaderField(name, value);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
