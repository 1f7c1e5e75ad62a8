package io.loomtunnel.internal.nostr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NIP-01 events: the canonical serialization and id as JavaScript computes them, signing and
 * verification, and the strict reading of event objects.
 */
class NostrEventTest {
    /**
     * An event made in node 20 by the test relay's own library (@nostr-relay/common 0.0.40's
     * {@code sha256([0,pubkey,created_at,kind,tags,content])}, i.e. SHA-256 of {@code JSON.stringify},
     * and its {@code schnorrSign}, @noble/curves), secret key 3, with every escape NIP-01 names,
     * other control characters, DEL, U+2028/2029, non-ASCII and a character outside the BMP in
     * content and tags; the .canonical file is JavaScript's serialization of it.
     */
    @Test
    void idAndSignatureAgreeWithJavaScript() throws Exception {
        NostrEvent e = EventJson.parse(resource("event-signed-by-javascript.json"));
        assertEquals(resource("event-signed-by-javascript.canonical").strip(),
                EventJson.canonical(e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content()));
        assertEquals("97c01c7f85a776e2ce9d06b71a03ae6c7934c89447cc18b3e1ff17ec292de410", e.id());
        assertTrue(e.verify());
        assertTrue(e.content().contains("\u0000") && e.content().contains("\u2028") && e.content().contains("😀"));
    }

    @Test
    void signedEventsVerifyAndSurviveTheirJson() throws Exception {
        byte[] three = new byte[32];
        three[31] = 3;
        NostrKey key = NostrKey.fromSecret(three);
        assertEquals("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9", key.publicKeyHex());
        NostrEvent original = EventJson.parse(resource("event-signed-by-javascript.json"));
        NostrEvent mine = NostrEvent.sign(key, original.createdAt(), original.kind(), original.tags(), original.content());
        assertEquals(original.id(), mine.id(), "same fields, same id");
        assertTrue(mine.verify());
        assertEquals(mine, EventJson.parse(EventJson.toJson(mine)));
        assertTrue(mine.isEphemeral());
        assertEquals("a\"b\\c\n", mine.tagValue("t"));
        assertEquals(null, mine.tagValue("e"), "a tag without a value has no value");
    }

    @Test
    void anyChangedFieldFailsVerification() throws Exception {
        NostrKey key = NostrKey.generate();
        NostrEvent e = NostrEvent.sign(key, 1_700_000_000, 20515, List.of(List.of("x", "abc")), "hello");
        NostrEvent other = NostrEvent.sign(NostrKey.generate(), 1_700_000_000, 20515, List.of(List.of("x", "abc")), "hello");
        assertTrue(e.verify());
        assertFalse(new NostrEvent(e.id(), e.pubkey(), e.createdAt(), e.kind(), e.tags(), "hellO", e.sig()).verify(), "content");
        assertFalse(new NostrEvent(e.id(), e.pubkey(), e.createdAt() + 1, e.kind(), e.tags(), e.content(), e.sig()).verify(), "time");
        assertFalse(new NostrEvent(e.id(), e.pubkey(), e.createdAt(), 20516, e.tags(), e.content(), e.sig()).verify(), "kind");
        assertFalse(new NostrEvent(e.id(), e.pubkey(), e.createdAt(), e.kind(), List.of(List.of("x", "abd")), e.content(), e.sig()).verify(), "tag");
        assertFalse(new NostrEvent(e.id(), other.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content(), e.sig()).verify(), "key");
        assertFalse(new NostrEvent(e.id(), e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content(), other.sig()).verify(), "sig");
        assertFalse(new NostrEvent(other.id(), e.pubkey(), e.createdAt(), e.kind(), e.tags(), e.content(), e.sig()).verify(), "id");
    }

    @Test
    void malformedEventsAreRefusedWithOneLine() {
        String good = "{\"id\":\"" + "a".repeat(64) + "\",\"pubkey\":\"" + "b".repeat(64)
                + "\",\"created_at\":1,\"kind\":1,\"tags\":[[\"p\",\"x\"]],\"content\":\"\",\"sig\":\"" + "c".repeat(128) + "\"}";
        assertEquals(1, assertDoesNotThrowParse(good).kind());
        List<String> bad = List.of(
                good.replace("\"kind\":1", "\"kind\":1.5"),
                good.replace("\"kind\":1", "\"kind\":65536"),
                good.replace("\"kind\":1", "\"kind\":-1"),
                good.replace("\"kind\":1", "\"kind\":\"1\""),
                good.replace("\"created_at\":1", "\"created_at\":9007199254740992"),
                good.replace("\"created_at\":1", "\"created_at\":1e3"),
                good.replace("a".repeat(64), "A".repeat(64)),
                good.replace("b".repeat(64), "b".repeat(62)),
                good.replace("c".repeat(128), "c".repeat(127) + "g"),
                good.replace("[[\"p\",\"x\"]]", "[[]]"),
                good.replace("[[\"p\",\"x\"]]", "[[\"p\",1]]"),
                good.replace("[[\"p\",\"x\"]]", "[\"p\"]"),
                good.replace("[[\"p\",\"x\"]]", "[[\"p\",null]]"),
                good.replace("\"content\":\"\"", "\"content\":\"\\ud800\""),
                good.replace("\"content\":\"\"", "\"content\":null"),
                good.replace("\"content\":\"\",", ""),
                good.replace("\"kind\":1", "\"kind\":1,\"kind\":2"),
                good + " {}",
                "[" + good + "]",
                "{\"id\":" + "[".repeat(100) + "]".repeat(100) + "}",
                good.replace("[[\"p\",\"x\"]]", "[" + "[\"t\"],".repeat(NostrEvent.MAX_TAGS) + "[\"t\"]]"),
                good.replace("[[\"p\",\"x\"]]", "[[" + "\"v\",".repeat(NostrEvent.MAX_TAG_ELEMENTS) + "\"v\"]]"));
        for (String json : bad) {
            NostrProtocolException ex = assertThrows(NostrProtocolException.class, () -> EventJson.parse(json), json);
            assertTrue(ex.getMessage().codePoints().noneMatch(Character::isISOControl), ex.getMessage());
        }
    }

    @Test
    void tooLargeMessagesAreRefusedBeforeParsing() {
        String huge = "\"" + "x".repeat(EventJson.MAX_MESSAGE_CHARS) + "\"";
        assertTrue(assertThrows(NostrProtocolException.class, () -> EventJson.parse(huge)).getMessage().contains("exceeds"));
    }

    @Test
    void signingRefusesWhatCouldNotBeHashedAlike() {
        NostrKey key = NostrKey.generate();
        assertThrows(IllegalArgumentException.class, () -> NostrEvent.sign(key, 1, 1, List.of(), "lone \ud800 surrogate"));
        assertThrows(IllegalArgumentException.class, () -> NostrEvent.sign(key, -1, 1, List.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> NostrEvent.sign(key, 1, 70000, List.of(), ""));
        assertThrows(IllegalArgumentException.class, () -> NostrEvent.sign(key, 1, 1, List.of(List.of()), ""));
        assertFalse(key.toString().contains(key.publicKeyHex()), "toString abbreviates");
    }

    private static NostrEvent assertDoesNotThrowParse(String json) {
        try {
            return EventJson.parse(json);
        } catch (NostrProtocolException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = NostrEventTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
