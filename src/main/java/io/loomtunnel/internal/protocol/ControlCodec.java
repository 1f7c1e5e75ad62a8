package io.loomtunnel.internal.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;

/**
 * Encodes and decodes the protocol's messages (docs/protocol/SESSION.md 1.2 and 4.4): one JSON
 * object whose first member is the string {@code "type"}, parsed with tight limits (the frame
 * already bounds the size). The tag comes from {@link MessageType}, so records carry only
 * fields. The same JSON shape, with tags of their own, is the body of a signed block
 * ({@link #encodeTagged}, {@link #decodeTagged}).
 */
public final class ControlCodec {
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(16)
                            .maxNumberLength(32)
                            .maxStringLength(65_536)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    // Shared buffers, not Jackson's default thread-local ones: every relayed connection
                    // encodes its preface on a virtual thread of its own, which would keep ~10 KB each.
                    .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // later versions may add members
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS) // p2p_relay_ready has no member but its type
            .build();

    private ControlCodec() {}

    /** Encodes a registered message: {@code "type"} first, then its non-null members in record order. */
    public static byte[] encode(ControlMessage message) {
        if (message instanceof UnknownMessage) {
            throw new IllegalArgumentException("an unknown message is never sent");
        }
        return encodeTagged(message.type(), message);
    }

    /**
     * Parses a message. A type this version does not know is an {@link UnknownMessage}; anything
     * but a JSON object with a string "type", or members of the wrong shape for their type, is a
     * PROTOCOL_ERROR.
     */
    public static ControlMessage decode(byte[] json) throws ProtocolException {
        Tagged tagged = decodeTagged(json);
        MessageType type = MessageType.ofTag(tagged.type());
        return type == null ? new UnknownMessage(tagged.type()) : tagged.as(type.record());
    }

    /** A JSON object with its type tag, not yet read as a record. */
    public record Tagged(String type, ObjectNode body) {
        /** Reads the body as {@code recordType}; fails with a PROTOCOL_ERROR naming what is wrong. */
        public <T> T as(Class<T> recordType) throws ProtocolException {
            try {
                return JSON.treeToValue(body, recordType);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                        "bad \"" + type + "\" control message: " + firstLine(e.getMessage()));
            }
        }
    }

    /** Parses a JSON object with a string "type"; anything else is a PROTOCOL_ERROR. */
    public static Tagged decodeTagged(byte[] json) throws ProtocolException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "control message is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "control message is not a JSON object");
        }
        JsonNode type = object.get("type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "control message has no \"type\" string");
        }
        return new Tagged(type.asText(), object);
    }

    /** Encodes a record under the given type; the record must not have a "type" member of its own. */
    public static byte[] encodeTagged(String type, Object body) {
        ObjectNode node = JSON.valueToTree(body);
        if (node.has("type")) {
            throw new IllegalArgumentException(body.getClass().getSimpleName() + " has a member named \"type\","
                    + " which would hide the message type");
        }
        ObjectNode out = JSON.createObjectNode().put("type", type);
        node.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                out.set(e.getKey(), e.getValue());
            }
        });
        try {
            return JSON.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + type, e);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
