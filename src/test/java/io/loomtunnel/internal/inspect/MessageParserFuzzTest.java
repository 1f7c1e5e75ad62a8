package io.loomtunnel.internal.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.List;

/**
 * The inspector's HTTP parser on arbitrary bytes, as requests and as responses: it never throws,
 * never hands on more body bytes than it was given, and hears the same events whatever pieces
 * the bytes come in (whole, byte by byte, or in pieces of a size the first byte picks).
 * Seeds: src/test/resources/io/loomtunnel/internal/inspect/MessageParserFuzzTestInputs/parse/.
 */
class MessageParserFuzzTest {
    @FuzzTest
    void parse(byte[] data) {
        if (data.length == 0) {
            return;
        }
        byte[] input = Arrays.copyOfRange(data, 1, data.length);
        int piece = 1 + (data[0] & 0x3f);
        for (MessageParser.Role role : MessageParser.Role.values()) {
            ParserEvents whole = new ParserEvents();
            MessageParser parser = new MessageParser(role, whole);
            parser.feed(input, 0, input.length);
            parser.finish();
            List<String> events = whole.done();
            assertTrue(whole.bodyBytes <= input.length, "more body bytes than the input holds");
            assertEquals(events, ParserEvents.parse(role, input, 1), "byte by byte");
            assertEquals(events, ParserEvents.parse(role, input, piece), "in pieces of " + piece);
        }
    }
}
