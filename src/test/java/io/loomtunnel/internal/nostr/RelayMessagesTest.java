package io.loomtunnel.internal.nostr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Relay messages read strictly, client messages written as NIP-01 shows them, filters matched as relays match them. */
class RelayMessagesTest {
    private static final NostrKey KEY = NostrKey.generate();
    private static final NostrEvent EVENT = NostrEvent.sign(KEY, 1_700_000_000, 20515,
            List.of(List.of("x", "route"), List.of("expiration", "1700000060")), "body");

    @Test
    void everyRelayMessageType() throws Exception {
        String id = EVENT.id();
        assertEquals(new RelayMessage.Event("sub1", EVENT), RelayMessages.decode("[\"EVENT\",\"sub1\"," + EventJson.toJson(EVENT) + "]"));
        RelayMessage.Ok ok = (RelayMessage.Ok) RelayMessages.decode("[\"OK\",\"" + id + "\",false,\"rate-limited: slow down\"]");
        assertEquals(new RelayMessage.Ok(id, false, "rate-limited: slow down"), ok);
        assertEquals("rate-limited", ok.reason());
        assertEquals("", new RelayMessage.Ok(id, true, "").reason());
        assertEquals("", new RelayMessage.Ok(id, true, "Two words: no prefix").reason());
        assertEquals(new RelayMessage.Eose("sub1"), RelayMessages.decode(" [ \"EOSE\" , \"sub1\" ] "));
        RelayMessage.Closed closed = (RelayMessage.Closed) RelayMessages.decode("[\"CLOSED\",\"sub1\",\"auth-required: log in\"]");
        assertEquals("auth-required", closed.reason());
        assertEquals(new RelayMessage.Notice("hi"), RelayMessages.decode("[\"NOTICE\",\"hi\"]"));
        assertEquals(new RelayMessage.Other("AUTH"), RelayMessages.decode("[\"AUTH\",\"challenge\"]"));
    }

    @Test
    void malformedRelayMessagesAreRefused() {
        String id = EVENT.id();
        List<String> bad = List.of("", "{}", "[]", "[1]", "\"EOSE\"", "[\"EOSE\"]", "[\"EOSE\",\"a\",\"b\"]", "[\"EOSE\",1]",
                "[\"EOSE\",\"\"]", "[\"EOSE\",\"" + "s".repeat(65) + "\"]",
                "[\"OK\",\"" + id + "\",true]", "[\"OK\",\"" + id + "\",\"true\",\"\"]", "[\"OK\",\"nope\",true,\"\"]",
                "[\"OK\",\"" + id.toUpperCase() + "\",true,\"\"]",
                "[\"NOTICE\"]", "[\"NOTICE\",null]", "[\"CLOSED\",\"s\"]",
                "[\"EVENT\",\"s\"]", "[\"EVENT\",\"s\",{}]", "[\"EVENT\",\"s\"," + EventJson.toJson(EVENT) + ",1]",
                "[\"NOTICE\",\"a\"] [\"NOTICE\",\"b\"]", "[\"NOTICE\",\"a\"", "[\"NOTICE\",'a']");
        for (String text : bad) {
            NostrProtocolException e = assertThrows(NostrProtocolException.class, () -> RelayMessages.decode(text), text);
            assertTrue(e.getMessage().codePoints().noneMatch(Character::isISOControl), e.getMessage());
        }
    }

    @Test
    void clientMessagesAreCompactJsonArrays() throws Exception {
        assertEquals("[\"EVENT\"," + EventJson.toJson(EVENT) + "]", ClientMessages.event(EVENT));
        assertEquals(EVENT, EventJson.parse(EventJson.toJson(EVENT)));
        Filter f = Filter.any().withKinds(20515, 20516).withTag('x', "route").withSince(5).withLimit(0);
        assertEquals("[\"REQ\",\"s1\",{\"kinds\":[20515,20516],\"#x\":[\"route\"],\"since\":5,\"limit\":0},{}]",
                ClientMessages.req("s1", List.of(f, Filter.any())));
        assertEquals("[\"REQ\",\"s\",{\"ids\":[\"" + EVENT.id() + "\"],\"authors\":[\"" + EVENT.pubkey() + "\"],\"#a\":[\"1\"],\"#b\":[\"2\"],\"until\":9}]",
                ClientMessages.req("s", List.of(Filter.any().withTag('b', "2").withTag('a', "1").withUntil(9)
                        .withAuthors(List.of(EVENT.pubkey())).withIds(List.of(EVENT.id())))));
        assertEquals("[\"CLOSE\",\"s\\\"1\"]", ClientMessages.close("s\"1"));
        assertThrows(IllegalArgumentException.class, () -> ClientMessages.close(""));
        assertThrows(IllegalArgumentException.class, () -> ClientMessages.req("s", List.of()));
        assertThrows(IllegalArgumentException.class, () -> Filter.any().withTag('1', "x"));
        assertThrows(IllegalArgumentException.class, () -> Filter.any().withAuthors(List.of("ABC")));
        assertThrows(IllegalArgumentException.class, () -> Filter.any().withKinds());
    }

    @Test
    void filtersMatchAsNip01Says() {
        assertTrue(Filter.any().matches(EVENT));
        assertTrue(Filter.any().withKinds(1, 20515).withTag('x', "other", "route").matches(EVENT));
        assertFalse(Filter.any().withTag('x', "other").matches(EVENT));
        assertFalse(Filter.any().withTag('y', "route").matches(EVENT));
        assertFalse(Filter.any().withKinds(1).matches(EVENT));
        assertTrue(Filter.any().withSince(1_700_000_000).withUntil(1_700_000_000).matches(EVENT), "both bounds inclusive");
        assertFalse(Filter.any().withSince(1_700_000_001).matches(EVENT));
        assertFalse(Filter.any().withUntil(1_699_999_999).matches(EVENT));
        assertTrue(Filter.any().withAuthors(List.of(KEY.publicKeyHex())).withIds(List.of(EVENT.id())).matches(EVENT));
        assertFalse(Filter.any().withAuthors(List.of(NostrKey.generate().publicKeyHex())).matches(EVENT));
        assertTrue(Filter.any().withLimit(0).matches(EVENT), "limit is not a condition");
    }
}
