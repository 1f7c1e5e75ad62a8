package io.loomtunnel.internal.nostr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Events as JSON: the canonical serialization whose hash is the id, the event object a client
 * sends, and the strict reading of an event object a relay sent.
 *
 * <p>Strings are written as NIP-01 says: {@code \n \" \\ \r \t \b \f} escaped so, every other
 * character verbatim in UTF-8; NIP-01 lists no rule for the other control characters
 * (U+0000-U+001F), which raw are not JSON, so they are written as JavaScript's
 * {@code JSON.stringify} writes them ({@code \u001f}, lowercase hex), as relays and clients in
 * JavaScript hash them. Lone surrogates cannot occur ({@link NostrEvent} refuses them).
 */
public final class EventJson {
    /** Largest message read from a relay, in characters; also bounds every string in it. */
    public static final int MAX_MESSAGE_CHARS = 128 * 1024;

    /** Strict: duplicate members, trailing data, deep nesting and long numbers are errors. */
    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(8)
                            .maxNumberLength(24)
                            .maxStringLength(MAX_MESSAGE_CHARS)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EventJson() {}

    /** {@code [0,<pubkey>,<created_at>,<kind>,<tags>,<content>]} without white space: what the id hashes. */
    public static String canonical(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        StringBuilder sb = new StringBuilder(128 + content.length());
        sb.append("[0,");
        string(sb, pubkey).append(',').append(createdAt).append(',').append(kind).append(',');
        tags(sb, tags).append(',');
        return string(sb, content).append(']').toString();
    }

    /** The event as the JSON object of an EVENT message, members in NIP-01's order. */
    public static String toJson(NostrEvent e) {
        StringBuilder sb = new StringBuilder(400 + e.content().length());
        sb.append("{\"id\":");
        string(sb, e.id()).append(",\"pubkey\":");
        string(sb, e.pubkey()).append(",\"created_at\":").append(e.createdAt())
                .append(",\"kind\":").append(e.kind()).append(",\"tags\":");
        tags(sb, e.tags()).append(",\"content\":");
        string(sb, e.content()).append(",\"sig\":");
        return string(sb, e.sig()).append('}').toString();
    }

    /**
     * Parses one event object.
     *
     * @throws NostrProtocolException when it is not JSON, too large, or not an event of NIP-01's form
     */
    public static NostrEvent parse(String json) throws NostrProtocolException {
        return read(RelayMessages.tree(json));
    }

    /** Reads an event object: every member present with its type and range; unknown members are ignored. */
    static NostrEvent read(JsonNode node) throws NostrProtocolException {
        if (!node.isObject()) {
            throw new NostrProtocolException("an event must be a JSON object");
        }
        String id = text(node, "id");
        String pubkey = text(node, "pubkey");
        long createdAt = integer(node, "created_at");
        long kind = integer(node, "kind");
        JsonNode tagsNode = node.get("tags");
        if (tagsNode == null || !tagsNode.isArray()) {
            throw new NostrProtocolException("event member 'tags' must be an array");
        }
        if (tagsNode.size() > NostrEvent.MAX_TAGS) {
            throw new NostrProtocolException("event has " + tagsNode.size() + " tags, more than " + NostrEvent.MAX_TAGS);
        }
        List<List<String>> tags = new ArrayList<>(tagsNode.size());
        for (JsonNode tagNode : tagsNode) {
            if (!tagNode.isArray() || tagNode.isEmpty() || tagNode.size() > NostrEvent.MAX_TAG_ELEMENTS) {
                throw new NostrProtocolException("a tag must be an array of 1 to " + NostrEvent.MAX_TAG_ELEMENTS + " strings");
            }
            List<String> tag = new ArrayList<>(tagNode.size());
            for (JsonNode element : tagNode) {
                if (!element.isTextual()) {
                    throw new NostrProtocolException("a tag must hold strings only");
                }
                tag.add(element.textValue());
            }
            tags.add(tag);
        }
        String content = text(node, "content");
        String sig = text(node, "sig");
        if (kind > 65535) {
            throw new NostrProtocolException("event kind must be from 0 to 65535");
        }
        try {
            return new NostrEvent(id, pubkey, createdAt, (int) kind, tags, content, sig);
        } catch (IllegalArgumentException e) {
            throw new NostrProtocolException("malformed event: " + e.getMessage());
        }
    }

    static StringBuilder string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    private static StringBuilder tags(StringBuilder sb, List<List<String>> tags) {
        sb.append('[');
        for (int t = 0; t < tags.size(); t++) {
            sb.append(t == 0 ? "[" : ",[");
            List<String> tag = tags.get(t);
            for (int i = 0; i < tag.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                string(sb, tag.get(i));
            }
            sb.append(']');
        }
        return sb.append(']');
    }

    private static String text(JsonNode node, String name) throws NostrProtocolException {
        JsonNode v = node.get(name);
        if (v == null || !v.isTextual()) {
            throw new NostrProtocolException("event member '" + name + "' must be a string");
        }
        return v.textValue();
    }

    private static long integer(JsonNode node, String name) throws NostrProtocolException {
        JsonNode v = node.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new NostrProtocolException("event member '" + name + "' must be a non-negative integer");
        }
        return v.longValue();
    }
}
