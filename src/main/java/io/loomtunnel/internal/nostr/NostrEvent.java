package io.loomtunnel.internal.nostr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Nostr event (NIP-01): who ({@code pubkey}, x-only, hex), when ({@code createdAt}, Unix
 * seconds), what ({@code kind}, {@code tags}, {@code content}), its {@code id} (SHA-256 of the
 * canonical serialization, {@link EventJson#canonical}) and {@code sig} (BIP-340 over the id).
 * Construction checks the form only; {@link #verify} checks id and signature.
 *
 * @param id        64 lowercase hex digits
 * @param pubkey    64 lowercase hex digits
 * @param createdAt 0 to {@link #MAX_CREATED_AT}
 * @param kind      0 to 65535
 * @param tags      at most {@link #MAX_TAGS} tags of 1 to {@link #MAX_TAG_ELEMENTS} strings each
 * @param content   any text
 * @param sig       128 lowercase hex digits
 */
public record NostrEvent(String id, String pubkey, long createdAt, int kind, List<List<String>> tags, String content,
                         String sig) {
    /** Tags one event may have, and strings one tag may have: generous for signaling, bounded for strangers. */
    public static final int MAX_TAGS = 100;
    public static final int MAX_TAG_ELEMENTS = 16;
    /** The largest integer a JavaScript relay holds exactly (2^53 - 1): larger timestamps would hash differently there. */
    public static final long MAX_CREATED_AT = (1L << 53) - 1;
    /** Kinds NIP-01 calls ephemeral: relays pass them on to subscribers and do not store them. */
    public static final int FIRST_EPHEMERAL_KIND = 20000;
    public static final int LAST_EPHEMERAL_KIND = 29999;

    private static final HexFormat HEX = HexFormat.of();

    public NostrEvent {
        Hex.check("id", id, 32);
        Hex.check("pubkey", pubkey, 32);
        Hex.check("sig", sig, 64);
        if (createdAt < 0 || createdAt > MAX_CREATED_AT) {
            throw new IllegalArgumentException("created_at must be from 0 to 2^53-1, got " + createdAt);
        }
        if (kind < 0 || kind > 65535) {
            throw new IllegalArgumentException("kind must be from 0 to 65535, got " + kind);
        }
        tags = checkedTags(tags);
        checkText("content", content);
    }

    /**
     * Makes and signs an event as {@code key}.
     *
     * @throws IllegalArgumentException when a field is out of range (see the record's parameters)
     */
    public static NostrEvent sign(NostrKey key, long createdAt, int kind, List<List<String>> tags, String content) {
        String id = HEX.formatHex(idOf(key.publicKeyHex(), createdAt, kind, checkedTags(tags), content));
        return new NostrEvent(id, key.publicKeyHex(), createdAt, kind, tags, content,
                HEX.formatHex(key.sign(HEX.parseHex(id))));
    }

    /** True when the id is the hash of the other fields and the signature is the pubkey's over the id. */
    public boolean verify() {
        byte[] expected = idOf(pubkey, createdAt, kind, tags, content);
        return MessageDigest.isEqual(expected, HEX.parseHex(id))
                && Bip340.verify(expected, HEX.parseHex(pubkey), HEX.parseHex(sig));
    }

    /** The first value of the first tag named {@code name}, or null. */
    public String tagValue(String name) {
        for (List<String> tag : tags) {
            if (tag.size() > 1 && tag.get(0).equals(name)) {
                return tag.get(1);
            }
        }
        return null;
    }

    /** True for kinds 20000 to 29999, which relays do not store. */
    public boolean isEphemeral() {
        return kind >= FIRST_EPHEMERAL_KIND && kind <= LAST_EPHEMERAL_KIND;
    }

    /** SHA-256 over the canonical serialization {@code [0,pubkey,created_at,kind,tags,content]}. */
    static byte[] idOf(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(
                    EventJson.canonical(pubkey, createdAt, kind, tags, content).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static List<List<String>> checkedTags(List<List<String>> tags) {
        if (tags == null) {
            throw new IllegalArgumentException("tags must be a list, maybe empty");
        }
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("at most " + MAX_TAGS + " tags, got " + tags.size());
        }
        List<List<String>> copy = new ArrayList<>(tags.size());
        for (List<String> tag : tags) {
            if (tag == null || tag.isEmpty() || tag.size() > MAX_TAG_ELEMENTS) {
                throw new IllegalArgumentException("a tag must have 1 to " + MAX_TAG_ELEMENTS + " strings");
            }
            for (String s : tag) {
                checkText("tag element", s);
            }
            copy.add(List.copyOf(tag));
        }
        return List.copyOf(copy);
    }

    /**
     * Text must be well-formed UTF-16: a lone surrogate has no UTF-8 form, so two implementations
     * would hash it differently (JavaScript escapes it, Java's encoder writes '?').
     */
    private static void checkText(String what, String s) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must be a string");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " holds a lone UTF-16 surrogate at " + i);
            }
        }
    }
}
