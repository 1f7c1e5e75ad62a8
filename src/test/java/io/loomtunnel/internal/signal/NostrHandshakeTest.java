package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.internal.nostr.NostrEvent;
import io.loomtunnel.internal.nostr.NostrKey;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.tls.Identity;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Nostr signaling handshake without relays: the key schedule, sealing, tags and every envelope check. */
class NostrHandshakeTest {
    private static final String SID = Identity.generate().id().value();
    private static final long NOW = 1_800_000_000L;
    private final NostrKey nostr = NostrKey.generate();

    @Test
    void bothSidesDeriveTheSameKeysAndOpenEachOthersMessages() throws SignalException {
        byte[] e = NostrHandshake.privateKey();
        byte[] ec = NostrHandshake.publicKey(e);
        byte[] s = NostrHandshake.privateKey();
        byte[] es = NostrHandshake.publicKey(s);
        byte[] n = NostrHandshake.random(16);
        NostrHandshake.Keys connect = NostrHandshake.keys(e, es, n, SID, ec, es);
        NostrHandshake.Keys share = NostrHandshake.keys(s, ec, n, SID, ec, es);
        assertArrayEquals(connect.offer(), share.offer());
        assertArrayEquals(connect.answer(), share.answer());
        byte[] plain = "a signed offer".getBytes();
        assertArrayEquals(plain, NostrHandshake.open(share.offer(), (byte) 3, NostrHandshake.seal(connect.offer(), (byte) 3, plain)));
        // Another hello's nonce, another share id, or another message's key: nothing opens.
        NostrHandshake.Keys otherNonce = NostrHandshake.keys(s, ec, NostrHandshake.random(16), SID, ec, es);
        NostrHandshake.Keys otherShare = NostrHandshake.keys(s, ec, n, Identity.generate().id().value(), ec, es);
        byte[] sealed = NostrHandshake.seal(connect.offer(), (byte) 3, plain);
        for (byte[] key : List.of(otherNonce.offer(), otherShare.offer(), share.answer(), share.welcome())) {
            assertEquals(Problem.FORGED, assertThrows(SignalException.class, () -> NostrHandshake.open(key, (byte) 3, sealed)).problem());
        }
        assertEquals(Problem.FORGED, assertThrows(SignalException.class, () -> NostrHandshake.open(share.offer(), (byte) 4, sealed)).problem(),
                "the type is authenticated: an offer cannot pass for an answer");
        byte[] tampered = sealed.clone();
        tampered[3] ^= 1;
        assertEquals(Problem.FORGED, assertThrows(SignalException.class, () -> NostrHandshake.open(share.offer(), (byte) 3, tampered)).problem());
    }

    @Test
    void anAllZeroSharedSecretIsRefused() {
        byte[] lowOrder = new byte[32]; // the point 0: every scalar gives 0
        assertEquals(Problem.FORGED, assertThrows(SignalException.class,
                () -> NostrHandshake.keys(NostrHandshake.privateKey(), lowOrder, new byte[16], SID, lowOrder, lowOrder)).problem());
    }

    @Test
    void tagsAreTheDocumentedHashes() throws Exception {
        String route = NostrHandshake.route(SID);
        assertEquals(32, route.length());
        byte[] full = java.security.MessageDigest.getInstance("SHA-256").digest(("loomtunnel nostr route v1\n" + SID).getBytes());
        assertEquals(java.util.HexFormat.of().formatHex(full).substring(0, 32), route);
        assertEquals(32, NostrHandshake.reply(new byte[32]).length());
    }

    @Test
    void messagesKeepTheirDocumentedLengths() throws SignalException {
        String hello = NostrMessage.encode(new NostrMessage.Hello(new byte[32], new byte[16]));
        assertEquals(66, hello.length());
        assertEquals(153, Base64.getUrlDecoder().decode(
                NostrMessage.encode(new NostrMessage.Welcome(new byte[32], new byte[120]))).length);
        assertInstanceOf(NostrMessage.Hello.class, NostrMessage.decode(hello));
        for (String bad : List.of("", "AQ", "BQAA", hello + "AA", hello.substring(0, 64), "AQ==", "!!!!", "Aw" + "A".repeat(60))) {
            assertEquals(Problem.DAMAGED, assertThrows(SignalException.class, () -> NostrMessage.decode(bad)).problem(), bad);
        }
    }

    @Test
    void envelopeChecks() throws SignalException {
        String route = NostrHandshake.route(SID);
        NostrMessage.Hello hello = new NostrMessage.Hello(new byte[32], new byte[16]);
        assertInstanceOf(NostrMessage.Hello.class, NostrHandshake.check(NostrHandshake.event(nostr, NOW, route, NOW + 60, hello), route, NOW));
        assertProblem(Problem.MISADDRESSED, NostrHandshake.event(nostr, NOW, NostrHandshake.route("x"), NOW + 60, hello), route);
        assertProblem(Problem.EXPIRED, NostrHandshake.event(nostr, NOW - 100, route, NOW, hello), route);
        assertProblem(Problem.EXPIRED, NostrHandshake.event(nostr, NOW - 601, route, NOW + 60, hello), route);
        assertProblem(Problem.DAMAGED, NostrHandshake.event(nostr, NOW + 301, route, NOW + 400, hello), route);
        String content = NostrMessage.encode(hello);
        assertProblem(Problem.DAMAGED, NostrEvent.sign(nostr, NOW, 1, List.of(List.of("x", route), List.of("expiration", "" + (NOW + 60))), content), route);
        assertProblem(Problem.DAMAGED, NostrEvent.sign(nostr, NOW, NostrHandshake.KIND, List.of(List.of("x", route)), content), route);
        assertProblem(Problem.DAMAGED, NostrEvent.sign(nostr, NOW, NostrHandshake.KIND,
                List.of(List.of("x", route), List.of("expiration", "soon")), content), route);
        assertProblem(Problem.DAMAGED, NostrEvent.sign(nostr, NOW, NostrHandshake.KIND,
                List.of(List.of("expiration", "" + (NOW + 60)), List.of("x", route)), content), route);
    }

    private static void assertProblem(Problem expected, NostrEvent e, String route) {
        assertEquals(expected, assertThrows(SignalException.class, () -> NostrHandshake.check(e, route, NOW)).problem());
    }
}
