package io.loomtunnel.internal.nostr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Everything a relay can send, as arbitrary text: it decodes to a message or fails with a
 * one-line NostrProtocolException, never another exception; an event that decodes writes back to
 * JSON that decodes to the same event, and checking its id and signature answers true or false.
 * Seeds: src/test/resources/io/loomtunnel/internal/nostr/RelayMessagesFuzzTestInputs/.
 */
class RelayMessagesFuzzTest {

    @FuzzTest
    void decode(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        RelayMessage message;
        try {
            message = RelayMessages.decode(text);
        } catch (NostrProtocolException e) {
            String m = e.getMessage();
            assertTrue(m != null && !m.isBlank() && m.codePoints().noneMatch(Character::isISOControl), () -> "not one line: " + m);
            return;
        }
        if (message instanceof RelayMessage.Event ev) {
            NostrEvent event = ev.event();
            try {
                assertEquals(event, EventJson.parse(EventJson.toJson(event)));
            } catch (NostrProtocolException e) {
                throw new AssertionError("an event we read does not read back: " + e.getMessage(), e);
            }
            event.verify();
            Filter.any().withKinds(event.kind()).matches(event);
        }
    }
}
