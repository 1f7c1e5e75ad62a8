package io.loomtunnel.internal.wire;

import static io.loomtunnel.internal.wire.WireTestSupport.decodeAll;
import static io.loomtunnel.internal.wire.WireTestSupport.encode;
import static io.loomtunnel.internal.wire.WireTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.WireTestSupport.RecordingInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The frame codec against docs/protocol/SESSION.md: section 2.1 byte for byte, and every rule of section 2. */
class FrameCodecTableTest {

    // ---- 2.1 Exact bytes ------------------------------------------------------------------

    /** The rows of the "2.1 Exact bytes" table: the frame, and its bytes as the spec writes them. */
    static Stream<Arguments> specTable() {
        long ping = 0x0102030405060708L;
        return Stream.of(
                row("DATA, SYN, stream 1, empty", Frame.data(1, Flags.SYN, new byte[0]),
                        "000000 00 01 00000001"),
                row("DATA, stream 3, \"hi\"", Frame.data(3, Flags.NONE, ascii("hi")),
                        "000002 00 00 00000003 6869"),
                row("DATA, FIN, stream 2, empty", Frame.data(2, Flags.FIN, new byte[0]),
                        "000000 00 04 00000002"),
                row("DATA, RST, stream 5, code CANCEL (7)", Frame.reset(5, ErrorCode.CANCEL),
                        "000004 00 08 00000005 00000007"),
                row("WINDOW_UPDATE, ACK, stream 2, +0", Frame.windowUpdate(2, Flags.ACK, 0),
                        "000004 01 02 00000002 00000000"),
                row("WINDOW_UPDATE, stream 7, +262144", Frame.windowUpdate(7, Flags.NONE, 262_144),
                        "000004 01 00 00000007 00040000"),
                row("PING, value 0x0102030405060708", Frame.ping(false, ping),
                        "000008 02 00 00000000 0102030405060708"),
                row("PING, ACK, same value", Frame.ping(true, ping),
                        "000008 02 02 00000000 0102030405060708"),
                row("GO_AWAY, NO_ERROR, reason \"bye\"", Frame.goAway(ErrorCode.NO_ERROR, "bye"),
                        "000007 03 00 00000000 00000000 627965"),
                row("DATAGRAM, flow 9, bytes 0xAA 0xBB", Frame.datagram(9, new byte[] {(byte) 0xAA, (byte) 0xBB}),
                        "000002 04 00 00000009 aabb"),
                row("CONTROL, {}", Frame.control(ascii("{}")),
                        "000002 05 00 00000000 7b7d"));
    }

    private static Arguments row(String name, Frame frame, String hex) {
        return Arguments.of(name, frame, hex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specTable")
    void writerProducesTheSpecBytes(String name, Frame frame, String hex) {
        assertEquals(HexFormat.of().formatHex(hex(hex)), HexFormat.of().formatHex(encode(frame)), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specTable")
    void readerDecodesTheSpecBytes(String name, Frame frame, String hex) throws IOException {
        assertEquals(List.of(frame), decodeAll(hex(hex)), name);
    }

    @Test
    void writeDataEncodesLikeADataFrame() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = ascii("xxhixx");
        new FrameWriter(out).writeData(3, Flags.NONE, buffer, 2, 2);
        assertArrayEquals(hex("000002 00 00 00000003 6869"), out.toByteArray());
    }

    /** The test's table and the spec's table must not drift apart. */
    @Test
    void tableMatchesDocsProtocolMd() throws IOException {
        String doc = Files.readString(Path.of("docs/protocol/SESSION.md"));
        int start = doc.indexOf("### 2.1 Exact bytes");
        int end = doc.indexOf("\n## ", start);
        assertTrue(start >= 0 && end > start, "docs/protocol/SESSION.md has a section 2.1 Exact bytes");
        Map<String, String> inDoc = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| ([^|]+?) \\| `([0-9a-fA-F ]+)` \\|$").matcher(doc.substring(start, end));
        while (m.find()) {
            inDoc.put(m.group(1).replace("`", ""), m.group(2));
        }
        Map<String, String> inTest = new TreeMap<>();
        specTable().forEach(a -> inTest.put((String) a.get()[0], (String) a.get()[2]));
        assertEquals(inDoc, inTest);
    }

    // ---- Rejections: every rule of FrameRules ----------------------------------------------

    static Stream<Arguments> rejections() {
        return Stream.of(
                // Length: refused from the header alone; the payload bytes are not in the input at all.
                reject("length 65537 (MAX_PAYLOAD + 1)", ErrorCode.FRAME_SIZE_ERROR, "010001 00 00 00000001"),
                reject("length 0xFFFFFF", ErrorCode.FRAME_SIZE_ERROR, "ffffff 04 00 00000001"),
                reject("unknown type 0x06", ErrorCode.PROTOCOL_ERROR, "000000 06 00 00000001"),
                reject("unknown type 0xFF", ErrorCode.PROTOCOL_ERROR, "000000 ff 00 00000000"),
                reject("unknown flag bit 0x10", ErrorCode.PROTOCOL_ERROR, "000000 00 10 00000001"),
                reject("unknown flag bit 0x80", ErrorCode.PROTOCOL_ERROR, "000000 04 80 00000001"),
                reject("reserved stream-id bit", ErrorCode.PROTOCOL_ERROR, "000000 00 01 80000001"),
                reject("reserved bit on DATAGRAM flow id", ErrorCode.PROTOCOL_ERROR, "000000 04 00 80000000"),
                reject("DATA on stream 0", ErrorCode.PROTOCOL_ERROR, "000002 00 00 00000000 6869"),
                reject("RST with SYN", ErrorCode.PROTOCOL_ERROR, "000004 00 09 00000001 00000007"),
                reject("RST with FIN", ErrorCode.PROTOCOL_ERROR, "000004 00 0c 00000001 00000007"),
                reject("RST with 3 bytes", ErrorCode.FRAME_SIZE_ERROR, "000003 00 08 00000001 000007"),
                reject("RST with 5 bytes", ErrorCode.FRAME_SIZE_ERROR, "000005 00 08 00000001 0000000700"),
                reject("RST with no code", ErrorCode.FRAME_SIZE_ERROR, "000000 00 08 00000001"),
                reject("WINDOW_UPDATE of 3 bytes", ErrorCode.FRAME_SIZE_ERROR, "000003 01 00 00000001 000001"),
                reject("WINDOW_UPDATE of 5 bytes", ErrorCode.FRAME_SIZE_ERROR, "000005 01 00 00000001 0000000100"),
                reject("WINDOW_UPDATE +0 without SYN or ACK", ErrorCode.PROTOCOL_ERROR,
                        "000004 01 00 00000001 00000000"),
                reject("WINDOW_UPDATE with top bit set", ErrorCode.FLOW_CONTROL_ERROR,
                        "000004 01 02 00000001 80000000"),
                reject("WINDOW_UPDATE on stream 0", ErrorCode.PROTOCOL_ERROR, "000004 01 00 00000000 00000001"),
                reject("WINDOW_UPDATE with FIN", ErrorCode.PROTOCOL_ERROR, "000004 01 04 00000001 00000001"),
                reject("PING on a stream", ErrorCode.PROTOCOL_ERROR, "000008 02 00 00000001 0102030405060708"),
                reject("PING of 4 bytes", ErrorCode.FRAME_SIZE_ERROR, "000004 02 00 00000000 01020304"),
                reject("PING of 9 bytes", ErrorCode.FRAME_SIZE_ERROR, "000009 02 00 00000000 010203040506070809"),
                reject("PING with SYN", ErrorCode.PROTOCOL_ERROR, "000008 02 01 00000000 0102030405060708"),
                reject("GO_AWAY of 3 bytes", ErrorCode.FRAME_SIZE_ERROR, "000003 03 00 00000000 000000"),
                reject("GO_AWAY of 1029 bytes", ErrorCode.FRAME_SIZE_ERROR,
                        "000405 03 00 00000000 00000000" + "61".repeat(1025)),
                reject("GO_AWAY on a stream", ErrorCode.PROTOCOL_ERROR, "000004 03 00 00000001 00000000"),
                reject("GO_AWAY with ACK", ErrorCode.PROTOCOL_ERROR, "000004 03 02 00000000 00000000"),
                reject("DATAGRAM with FIN", ErrorCode.PROTOCOL_ERROR, "000000 04 04 00000009"),
                reject("CONTROL of 1 byte", ErrorCode.FRAME_SIZE_ERROR, "000001 05 00 00000000 7b"),
                reject("CONTROL of 0 bytes", ErrorCode.FRAME_SIZE_ERROR, "000000 05 00 00000000"),
                reject("CONTROL on a stream", ErrorCode.PROTOCOL_ERROR, "000002 05 00 00000001 7b7d"),
                reject("CONTROL with SYN", ErrorCode.PROTOCOL_ERROR, "000002 05 01 00000000 7b7d"));
    }

    private static Arguments reject(String name, ErrorCode code, String hex) {
        return Arguments.of(name, code, hex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void readerRejects(String name, ErrorCode code, String hex) {
        RecordingInputStream in = new RecordingInputStream(hex(hex));
        ProtocolException e = assertThrows(ProtocolException.class, () -> new FrameReader(in).read(), name);
        assertEquals(code, e.code(), name + ": " + e.getMessage());
        assertTrue(in.largestRequest() <= Wire.MAX_PAYLOAD, name + ": asked for " + in.largestRequest() + " bytes");
    }

    /** What the reader refuses, the Frame constructor refuses too (FrameRules is shared). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void constructorRejectsTheSameFrames(String name, ErrorCode code, String hex) {
        byte[] b = hex(hex);
        FrameType type = FrameType.ofCode(b[3] & 0xFF);
        int length = (b[0] & 0xFF) << 16 | (b[1] & 0xFF) << 8 | (b[2] & 0xFF);
        byte[] payload = new byte[Math.min(length, Wire.MAX_PAYLOAD + 1)];
        System.arraycopy(b, Wire.HEADER_SIZE, payload, 0, Math.min(payload.length, b.length - Wire.HEADER_SIZE));
        assertThrows(IllegalArgumentException.class,
                () -> new Frame(type, b[4] & 0xFF, Bytes.readInt32(b, 5), payload), name);
    }

    @Test
    void oversizedLengthIsRefusedBeforeReadingThePayload() {
        // Only the header: had the reader tried to read (or allocate) 65537 bytes first, it would
        // have met the end of the input and thrown EOFException instead.
        RecordingInputStream in = new RecordingInputStream(hex("010001 00 00 00000001"));
        ProtocolException e = assertThrows(ProtocolException.class, () -> new FrameReader(in).read());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.code());
        assertEquals(Wire.HEADER_SIZE, in.position(), "read nothing past the header");
        assertEquals(Wire.HEADER_SIZE, in.largestRequest(), "asked for nothing but the header");
    }

    @Test
    void maxPayloadIsAccepted() throws IOException {
        byte[] payload = new byte[Wire.MAX_PAYLOAD];
        payload[Wire.MAX_PAYLOAD - 1] = 42;
        Frame big = Frame.datagram(1, payload);
        byte[] wire = encode(big);
        assertArrayEquals(hex("010000 04 00 00000001"), java.util.Arrays.copyOf(wire, Wire.HEADER_SIZE));
        assertEquals(List.of(big), decodeAll(wire));
    }

    // ---- Truncation and clean end ----------------------------------------------------------

    @Test
    void emptyInputIsACleanEnd() throws IOException {
        assertNull(new FrameReader(new ByteArrayInputStream(new byte[0])).read());
    }

    @Test
    void endAfterAWholeFrameIsACleanEnd() throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(hex("000000 00 01 00000001")));
        assertEquals(Frame.data(1, Flags.SYN, new byte[0]), reader.read());
        assertNull(reader.read());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("truncations")
    void endInsideAFrameIsEof(String name, String hex) {
        assertThrows(EOFException.class, () -> decodeAll(hex(hex)), name);
    }

    static Stream<Arguments> truncations() {
        return Stream.of(
                Arguments.of("1 header byte", "00"),
                Arguments.of("8 header bytes", "000002 00 00 000000"),
                Arguments.of("1 of 2 payload bytes", "000002 00 00 00000003 68"),
                Arguments.of("header without payload", "000008 02 00 00000000"),
                Arguments.of("second frame cut", "000000 00 01 00000001 000002 04"));
    }

    // ---- Preamble --------------------------------------------------------------------------

    @Test
    void preambleRoundTrip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Preamble.write(out);
        assertArrayEquals(hex("4c4f4f4d54554e 01"), out.toByteArray());
        ByteArrayInputStream in = new ByteArrayInputStream(concat(out.toByteArray(), hex("000000")));
        Preamble.read(in);
        assertEquals(3, in.available(), "the preamble consumes exactly 8 bytes");
    }

    @Test
    void preambleWithWrongMagicIsNotALoomtunnelEndpoint() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Preamble.read(new ByteArrayInputStream(ascii("GET / HTTP/1.1\r\n\r\n"))));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertTrue(e.getMessage().contains("not a loomtunnel endpoint"), e.getMessage());
    }

    @Test
    void preambleWithVersion2IsUnsupported() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> Preamble.read(new ByteArrayInputStream(hex("4c4f4f4d54554e 02"))));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
    }

    @Test
    void emptyPreambleIsEof() {
        assertThrows(EOFException.class, () -> Preamble.read(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void magicWithoutVersionIsEof() {
        assertThrows(EOFException.class, () -> Preamble.read(new ByteArrayInputStream(ascii("LOOMTUN"))));
    }

    // ---- GO_AWAY reason truncation ---------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("longReasons")
    void goAwayCutsALongReasonOnACharacterBoundary(String name, String reason, String expected) throws IOException {
        Frame f = Frame.goAway(ErrorCode.INTERNAL_ERROR, reason);
        assertEquals(expected, f.reason(), name);
        assertTrue(f.payload().length <= 4 + FrameRules.MAX_REASON, name);
        assertEquals(List.of(f), decodeAll(encode(f)), name);
    }

    static Stream<Arguments> longReasons() {
        String a1022 = "a".repeat(1022);
        String a1023 = "a".repeat(1023);
        return Stream.of(
                // 1023 + 3 bytes: the euro sign would straddle byte 1024, so it goes entirely.
                Arguments.of("3-byte char across the cut", a1023 + "\u20ac" + "tail", a1023),
                // 1022 + 4 bytes: the emoji would straddle the cut.
                Arguments.of("4-byte char across the cut", a1022 + "\uD83D\uDE00", a1022),
                // 1022 + 2 bytes = 1024 exactly: kept whole, the rest dropped.
                Arguments.of("2-byte char ending at the cut", a1022 + "\u00e9" + "xyz", a1022 + "\u00e9"),
                Arguments.of("exactly 1024 ASCII bytes", "b".repeat(1024), "b".repeat(1024)),
                Arguments.of("2000 ASCII bytes", "c".repeat(2000), "c".repeat(1024)));
    }

    // ---- FrameWriter coalescing under concurrency ------------------------------------------

    @Test
    void concurrentWritersNeverInterleaveAndCoalesce() throws Exception {
        int writers = 8;
        int perWriter = 2_000;
        CountingOutputStream out = new CountingOutputStream();
        FrameWriter writer = new FrameWriter(out);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int stream = 2 * w + 1;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int seq = 0; seq < perWriter; seq++) {
                        writer.write(Frame.data(stream, Flags.NONE, sequencePayload(stream, seq)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }

        List<Frame> frames = decodeAll(out.bytes());
        assertEquals(writers * perWriter, frames.size());
        int[] next = new int[2 * writers + 1];
        for (Frame f : frames) {
            int seq = next[f.streamId()]++;
            assertArrayEquals(sequencePayload(f.streamId(), seq), f.payload(), "stream " + f.streamId() + " #" + seq);
        }
        for (int w = 0; w < writers; w++) {
            assertEquals(perWriter, next[2 * w + 1], "frames of writer " + w);
        }
        assertTrue(out.writes() <= frames.size(), out.writes() + " writes for " + frames.size() + " frames");
    }

    /** A payload that says which writer and which frame it is, with a length that varies (0..300). */
    private static byte[] sequencePayload(int stream, int seq) {
        byte[] p = new byte[(seq * 37) % 301];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (stream * 31 + seq + i);
        }
        return p;
    }

    /** Counts write calls; safe for concurrent use although FrameWriter serializes them. */
    private static final class CountingOutputStream extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int writes;

        @Override
        public synchronized void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        synchronized int writes() {
            return writes;
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Sanity of the recording stream itself, so the allocation bound above means something. */
    @Test
    void recordingStreamSeesReadNBytesLength() throws IOException {
        RecordingInputStream in = new RecordingInputStream(new byte[10]);
        assertInstanceOf(byte[].class, in.readNBytes(70_000));
        assertEquals(70_000, in.largestRequest());
        assertTrue(in.atEnd());
    }
}
