package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.signal.SignalException.Problem;
import java.util.Arrays;
import java.util.Base64;

/**
 * What a Nostr signaling event carries in its {@code content} (docs/protocol/P2P.md 9.7): one byte
 * of type, then the type's fields, base64url without padding. Decoding checks form and lengths
 * only; {@link NostrHandshake} opens the sealed parts.
 */
sealed interface NostrMessage {
    int KEY = 32;
    int NONCE = 16;
    int TAG = 16;
    /** Sealed welcome body: the share's Ed25519 key, expiry (8), signature (64). */
    int WELCOME_BODY = 32 + 8 + 64;
    /** Content bytes at most: an offer of {@link SignedBlock#MAX_PAYLOAD} bytes, sealed, with its key. */
    int MAX_BYTES = 1 + KEY + SignedBlock.MAX_PAYLOAD + TAG;

    byte type();

    /** connect to share: a fresh X25519 key and 16 random bytes. */
    record Hello(byte[] ec, byte[] n) implements NostrMessage {
        public byte type() {
            return 1;
        }
    }

    /** share to connect: the share's fresh X25519 key and the sealed (key, expiry, signature). */
    record Welcome(byte[] es, byte[] sealed) implements NostrMessage {
        public byte type() {
            return 2;
        }
    }

    /** connect to share: the hello's key (naming the handshake) and the sealed OFFER payload. */
    record OfferMessage(byte[] ec, byte[] sealed) implements NostrMessage {
        public byte type() {
            return 3;
        }
    }

    /** share to connect: the sealed ANSWER payload. */
    record AnswerMessage(byte[] sealed) implements NostrMessage {
        public byte type() {
            return 4;
        }
    }

    /** The content string of an event carrying {@code m}. */
    static String encode(NostrMessage m) {
        byte[][] parts = switch (m) {
            case Hello h -> new byte[][] {h.ec(), h.n()};
            case Welcome w -> new byte[][] {w.es(), w.sealed()};
            case OfferMessage o -> new byte[][] {o.ec(), o.sealed()};
            case AnswerMessage a -> new byte[][] {a.sealed()};
        };
        int length = 1;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        out[0] = m.type();
        int at = 1;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /**
     * The message in an event's content.
     *
     * @throws SignalException DAMAGED for anything but base64url of a known type at its length
     */
    static NostrMessage decode(String content) throws SignalException {
        if (content.length() > (MAX_BYTES * 4 + 2) / 3) {
            throw damaged("is longer than any message");
        }
        byte[] b;
        try {
            b = Base64.getUrlDecoder().decode(content);
        } catch (IllegalArgumentException e) {
            throw damaged("is not base64url");
        }
        if (content.indexOf('=') >= 0 || b.length == 0) {
            throw damaged("is not base64url without padding");
        }
        return switch (b[0]) {
            case 1 -> {
                exact(b, 1 + KEY + NONCE, "hello");
                yield new Hello(range(b, 1, KEY), range(b, 1 + KEY, NONCE));
            }
            case 2 -> {
                exact(b, 1 + KEY + WELCOME_BODY + TAG, "welcome");
                yield new Welcome(range(b, 1, KEY), range(b, 1 + KEY, WELCOME_BODY + TAG));
            }
            case 3 -> {
                bounded(b, 1 + KEY, "offer");
                yield new OfferMessage(range(b, 1, KEY), range(b, 1 + KEY, b.length - 1 - KEY));
            }
            case 4 -> {
                bounded(b, 1, "answer");
                yield new AnswerMessage(range(b, 1, b.length - 1));
            }
            default -> throw damaged("has unknown type " + (b[0] & 0xff));
        };
    }

    private static void exact(byte[] b, int length, String what) throws SignalException {
        if (b.length != length) {
            throw damaged("is a " + what + " of " + b.length + " bytes, not " + length);
        }
    }

    /** A sealed block after {@code header} bytes: more than the tag and signature, at most the largest payload. */
    private static void bounded(byte[] b, int header, String what) throws SignalException {
        int sealed = b.length - header;
        if (sealed <= TAG + 64 || sealed > SignedBlock.MAX_PAYLOAD + TAG) {
            throw damaged("is an " + what + " whose sealed block has " + sealed + " bytes");
        }
    }

    private static byte[] range(byte[] b, int from, int length) {
        return Arrays.copyOfRange(b, from, from + length);
    }

    private static SignalException damaged(String why) {
        return new SignalException(Problem.DAMAGED, "a Nostr signaling event's content " + why);
    }
}
