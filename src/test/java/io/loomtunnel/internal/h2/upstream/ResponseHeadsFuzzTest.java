package io.loomtunnel.internal.h2.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.http.Http1Requests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The h2c service's response header blocks, whatever HPACK decoded them to, as HTTP/1.1 for the
 * tunnel: each is refused (MalformedResponseException) or becomes a head (or trailer section) of
 * CRLF-terminated lines, one per field, names tokens, no bare CR or LF, ending in one empty line,
 * with exactly the framing the bridge chose: no field can add a line, a field or a framing of its own.
 * Seeds: src/test/resources/io/loomtunnel/internal/h2/upstream/ResponseHeadsFuzzTestInputs/blocks/.
 */
class ResponseHeadsFuzzTest {
    @FuzzTest
    void blocks(FuzzedDataProvider data) {
        boolean headRequest = data.consumeBoolean();
        boolean endStream = data.consumeBoolean();
        boolean trailers = data.consumeBoolean();
        List<HeaderField> fields = new ArrayList<>();
        if (!trailers && data.consumeBoolean()) {
            fields.add(new HeaderField(":status", data.consumeString(4)));
        }
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            fields.add(new HeaderField(data.consumeString(12), data.consumeString(24)));
        }
        try {
            if (trailers) {
                String text = new String(ResponseHeads.trailers(fields), StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("0\r\n"), "the last chunk first");
                List<String> lines = lines(text.substring(3));
                assertEquals(fields.size() - (int) fields.stream().filter(f -> f.name().equals("content-length")).count(), lines.size());
                lines.forEach(ResponseHeadsFuzzTest::checkField);
                return;
            }
            ResponseHeads.Head head = ResponseHeads.head(fields, headRequest, endStream);
            List<String> lines = lines(new String(head.bytes(), StandardCharsets.ISO_8859_1));
            assertTrue(lines.getFirst().matches("HTTP/1\\.1 [1-9][0-9][0-9] "), "status line: " + lines.getFirst());
            List<String> rest = lines.subList(1, lines.size());
            rest.forEach(ResponseHeadsFuzzTest::checkField);
            long chunked = rest.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")).count();
            assertEquals(head.body() ? 1 : 0, chunked, "Transfer-Encoding only as the bridge's own framing");
            if (head.body()) {
                assertTrue(rest.stream().noneMatch(l -> l.toLowerCase(Locale.ROOT).startsWith("content-length:")), "no length with chunks");
            }
        } catch (ResponseHeads.MalformedResponseException e) {
            // refused: the stream is reset
        }
    }

    /** The lines before the final empty line, each checked to end in CRLF with no CR or LF inside. */
    private static List<String> lines(String text) {
        assertTrue(text.endsWith("\r\n\r\n") || text.equals("\r\n"), "ends with an empty line");
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = text.indexOf("\r\n"); i >= 0; i = text.indexOf("\r\n", start)) {
            String line = text.substring(start, i);
            assertTrue(line.indexOf('\r') < 0 && line.indexOf('\n') < 0, "a bare CR or LF");
            start = i + 2;
            if (line.isEmpty()) {
                assertEquals(text.length(), start, "nothing after the empty line");
                return lines;
            }
            lines.add(line);
        }
        throw new AssertionError("no empty line");
    }

    private static void checkField(String line) {
        int colon = line.indexOf(": ");
        assertTrue(colon > 0 && Http1Requests.isToken(line.substring(0, colon)), "a field line: " + line);
        assertTrue(line.chars().allMatch(c -> c == '\t' || c >= 0x20 && c != 0x7f), "a control character in " + line);
    }
}
