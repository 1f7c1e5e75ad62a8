package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.internal.nostr.NostrEvent;
import io.loomtunnel.internal.nostr.NostrKey;
import java.util.List;

/**
 * Everything Nostr signaling decodes from a relay event (its tags, times and content) on arbitrary
 * input: a message or a one-line SignalException, never another exception; a decoded message
 * encodes back to the same content. Seeds: src/test/resources/io/loomtunnel/internal/signal/NostrMessageFuzzTestInputs/.
 */
class NostrMessageFuzzTest {
    private static final NostrKey KEY = NostrKey.generate();
    private static final String ROUTE = NostrHandshake.route("a".repeat(52));
    private static final long NOW = 1_800_000_000L;

    @FuzzTest
    void decode(FuzzedDataProvider data) {
        long created = NOW + data.consumeLong(-1000, 1000);
        String expiration = data.consumeBoolean() ? Long.toString(NOW + data.consumeLong(-100, 100)) : data.consumeString(20);
        String x = data.consumeBoolean() ? ROUTE : data.consumeString(40);
        int kind = data.consumeBoolean() ? NostrHandshake.KIND : data.consumeInt(0, 65535);
        String content = data.consumeRemainingAsString();
        NostrEvent event;
        try {
            event = NostrEvent.sign(KEY, created, kind, List.of(List.of("x", x), List.of("expiration", expiration)), content);
        } catch (IllegalArgumentException notAnEvent) {
            return; // lone surrogates: no relay client hands such an event on
        }
        try {
            NostrMessage m = NostrHandshake.check(event, ROUTE, NOW);
            assertEquals(content, NostrMessage.encode(m));
        } catch (SignalException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
