package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.tls.Identity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The signaling block decoder on arbitrary text, and copy-paste damage that must not matter.
 * Seeds: src/test/resources/io/loomtunnel/internal/signal/ArmorFuzzTestInputs/.
 */
class ArmorFuzzTest {
    private static final Identity ALICE = Identity.generate();
    private static final Identity BOB = Identity.generate();
    private static final SignedBlock BLOCK = SignedBlocks.seal(ALICE,
            Blocks.offer(ALICE, BOB, "AAAAAAAAAAAAAAAAAAAAAA", Instant.parse("2030-01-01T00:00:00Z"), 600));

    /**
     * Arbitrary text ends in blocks and one-line SignalExceptions, never another exception: through
     * {@link Armor#decode}, through a {@link BlockReader} taking block after block to the end, and
     * through {@link SignedBlocks#open} of whatever decodes.
     */
    @FuzzTest
    void decode(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            open(Armor.decode(text));
        } catch (SignalException e) {
            assertOneLine(e);
        }
        BlockReader reader = new BlockReader(new StringReader(text));
        for (int blocks = 0; blocks <= data.length; blocks++) {
            try {
                SignedBlock b = reader.next();
                if (b == null) {
                    return;
                }
                open(b);
            } catch (SignalException e) {
                assertOneLine(e);
            }
        }
        throw new AssertionError("the reader did not reach the end of " + data.length + " bytes");
    }

    /** What quoting, indentation, CRLF, blank lines and re-wrapping do to a block never changes what it decodes to. */
    @FuzzTest
    void copyPaste(FuzzedDataProvider data) throws SignalException {
        String quote = data.pickValue(new String[] {"", "> ", ">", "> > ", "  ", "\t", ">>"});
        String newline = data.pickValue(new String[] {"\n", "\r\n"});
        int width = data.consumeInt(8, 200);
        boolean blankLines = data.consumeBoolean();
        String before = data.consumeString(100).replace("BEGIN", "");
        String[] lines = Armor.encode(BLOCK).split("\n");
        StringBuilder body = new StringBuilder();
        StringBuilder out = new StringBuilder(before).append(newline);
        for (String line : lines) {
            if (line.startsWith("---") || line.contains(":")) {
                if (line.startsWith("-----END")) {
                    emit(out, quote, body.toString(), width, newline, blankLines);
                }
                out.append(quote).append(line).append(newline);
            } else {
                body.append(line);
            }
        }
        assertEquals(BLOCK, Armor.decode(out.toString()));
    }

    private static void emit(StringBuilder out, String quote, String body, int width, String newline, boolean blankLines) {
        for (int i = 0; i < body.length(); i += width) {
            out.append(quote).append(body, i, Math.min(body.length(), i + width)).append(newline);
            if (blankLines) {
                out.append(newline);
            }
        }
    }

    private static void open(SignedBlock block) {
        try {
            SignedBody body = block.kind() == BlockKind.OFFER
                    ? SignedBlocks.open(block, BlockKind.OFFER, Offer.class)
                    : SignedBlocks.open(block, BlockKind.ANSWER, Answer.class);
            assertTrue(body.candidateAddresses().size() <= SignedBody.MAX_CANDIDATES);
            body.sender();
            body.recipient();
        } catch (SignalException e) {
            assertOneLine(e);
        }
    }

    private static void assertOneLine(SignalException e) {
        String m = e.getMessage();
        assertTrue(m != null && !m.isBlank() && m.codePoints().noneMatch(Character::isISOControl),
                () -> "not one printable line: " + m);
    }
}
