package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.nostr.NostrEvent;
import io.loomtunnel.internal.nostr.NostrKey;
import io.loomtunnel.internal.signal.SignalException.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The cryptography and envelope of Nostr signaling (docs/protocol/P2P.md 9.7): route and reply
 * tags, X25519 key agreement, the HKDF key schedule, ChaCha20-Poly1305 sealing (one message per
 * key, so a zero nonce), the share's welcome signature, and the checks every event passes.
 */
final class NostrHandshake {
    /** The one event kind: ephemeral (20000-29999), so relays store nothing. */
    static final int KIND = 25736;
    /** How long hello and welcome events live; also how long the share remembers a handshake. */
    static final long HANDSHAKE_SECONDS = 60;
    /** An event's created_at may be this far ahead of our clock, or this old. */
    static final long MAX_AHEAD_SECONDS = 300;
    static final long MAX_AGE_SECONDS = 600;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private NostrHandshake() {}

    /** The keys one handshake derives. */
    record Keys(byte[] welcome, byte[] offer, byte[] answer) {}

    /** A fresh X25519 private key. */
    static byte[] privateKey() {
        byte[] k = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(RANDOM, k);
        return k;
    }

    static byte[] publicKey(byte[] privateKey) {
        byte[] p = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(privateKey, 0, p, 0);
        return p;
    }

    static byte[] random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The tag that routes events to the share {@code sid}. */
    static String route(String sid) {
        return tag("loomtunnel nostr route v1\n", sid.getBytes(StandardCharsets.US_ASCII));
    }

    /** The tag that routes events back to the connect attempt whose key is {@code ec}. */
    static String reply(byte[] ec) {
        return tag("loomtunnel nostr reply v1\n", ec);
    }

    /**
     * The three keys of a handshake; {@code privateKey} is ours, {@code otherPublic} the other's.
     *
     * @throws SignalException FORGED when the shared secret is all zeros (a low-order key, RFC 7748 6.1)
     */
    static Keys keys(byte[] privateKey, byte[] otherPublic, byte[] n, String sid, byte[] ec, byte[] es) throws SignalException {
        byte[] dh = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(privateKey, 0, otherPublic, 0, dh, 0)) {
            throw new SignalException(Problem.FORGED, "a Nostr signaling key gives an all-zero shared secret");
        }
        byte[] th = sha256(concat("loomtunnel nostr v1\n".getBytes(StandardCharsets.US_ASCII),
                sid.getBytes(StandardCharsets.US_ASCII), ec, es));
        return new Keys(expand(dh, n, "welcome", th), expand(dh, n, "offer", th), expand(dh, n, "answer", th));
    }

    /** Seals {@code plain} with {@code key}; {@code type} (the message type) is the associated data. */
    static byte[] seal(byte[] key, byte type, byte[] plain) {
        try {
            return aead(true, key, type, plain);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("sealing cannot fail", e);
        }
    }

    /** @throws SignalException FORGED when {@code sealed} was not sealed with {@code key} for {@code type} */
    static byte[] open(byte[] key, byte type, byte[] sealed) throws SignalException {
        try {
            return aead(false, key, type, sealed);
        } catch (InvalidCipherTextException | IllegalArgumentException e) {
            throw new SignalException(Problem.FORGED, "a Nostr signaling message does not open with the handshake's key");
        }
    }

    /** What the share signs in a welcome. */
    static byte[] welcomeSigned(String sid, byte[] ec, byte[] n, byte[] es, long expires) {
        return concat("loomtunnel nostr welcome v1\n".getBytes(StandardCharsets.US_ASCII), sid.getBytes(StandardCharsets.US_ASCII),
                ec, n, es, ByteBuffer.allocate(8).putLong(expires).array());
    }

    /** A signed event of our kind carrying {@code message}, routed by {@code route}, living until {@code expires}. */
    static NostrEvent event(NostrKey key, long now, String route, long expires, NostrMessage message) {
        return NostrEvent.sign(key, now, KIND, List.of(List.of("x", route), List.of("expiration", Long.toString(expires))),
                NostrMessage.encode(message));
    }

    /**
     * Checks an event's envelope (9.7, check 2) and decodes its content.
     *
     * @param route the x tag it must carry
     * @throws SignalException EXPIRED when it is too old or past its expiration, DAMAGED otherwise
     */
    static NostrMessage check(NostrEvent e, String route, long now) throws SignalException {
        if (e.kind() != KIND || e.tags().size() != 2 || e.tags().get(0).size() != 2 || e.tags().get(1).size() != 2
                || !e.tags().get(0).get(0).equals("x") || !e.tags().get(1).get(0).equals("expiration")) {
            throw new SignalException(Problem.DAMAGED, "a Nostr event of another kind or with other tags");
        }
        if (!e.tags().get(0).get(1).equals(route)) {
            throw new SignalException(Problem.MISADDRESSED, "a Nostr signaling event for someone else");
        }
        long expiration;
        try {
            expiration = Long.parseLong(e.tags().get(1).get(1));
        } catch (NumberFormatException bad) {
            throw new SignalException(Problem.DAMAGED, "a Nostr signaling event with an unreadable expiration");
        }
        if (e.createdAt() > now + MAX_AHEAD_SECONDS) {
            throw new SignalException(Problem.DAMAGED, "a Nostr signaling event from more than 5 minutes ahead");
        }
        if (e.createdAt() < now - MAX_AGE_SECONDS || expiration <= now) {
            throw new SignalException(Problem.EXPIRED, "an expired Nostr signaling event");
        }
        return NostrMessage.decode(e.content());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] aead(boolean seal, byte[] key, byte type, byte[] in) throws InvalidCipherTextException {
        ChaCha20Poly1305 c = new ChaCha20Poly1305();
        c.init(seal, new AEADParameters(new KeyParameter(key), 128, new byte[12], new byte[] {type}));
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        n += c.doFinal(out, n);
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static byte[] expand(byte[] dh, byte[] salt, String label, byte[] th) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(dh, salt, concat(label.getBytes(StandardCharsets.US_ASCII), th)));
        byte[] key = new byte[32];
        hkdf.generateBytes(key, 0, key.length);
        return key;
    }

    private static String tag(String label, byte[] value) {
        return HEX.formatHex(sha256(concat(label.getBytes(StandardCharsets.US_ASCII), value)), 0, 16);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(length);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
