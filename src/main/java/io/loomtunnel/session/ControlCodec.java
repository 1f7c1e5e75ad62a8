package io.loomtunnel.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;

/**
 * Encodes and decodes CONTROL messages (docs/protocol/SESSION.md 1.2 and 4.4): one JSON object with a
 * string member {@code "type"}, parsed with tight limits (the frame already bounds the size).
 * Messages are records; their {@code type} travels beside them, so records carry only fields.
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
            .build();

    private ControlCodec() {}

    /** A decoded message: its type and the whole JSON object, to be read as a record. */
    public record Message(String type, ObjectNode body) {
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

    /** Parses a CONTROL payload; anything but a JSON object with a string "type" is a PROTOCOL_ERROR. */
    public static Message decode(byte[] json) throws ProtocolException {
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
        return new Message(type.asText(), object);
    }

    /** Encodes a record as a control message of the given type; the record must not have a "type" member of its own. */
    public static byte[] encode(String type, Object message) {
        ObjectNode node = JSON.valueToTree(message);
        if (node.has("type")) {
            throw new IllegalArgumentException(message.getClass().getSimpleName() + " has a member named \"type\","
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
