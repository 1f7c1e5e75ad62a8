package io.loomtunnel.internal.inspect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A captured body as the dashboard shows it: its sizes, and its captured bytes as pretty JSON,
 * form or plain text, or hex when they are not text (or are compressed).
 *
 * @param size the body's whole size
 * @param captured how many of its first bytes were kept
 * @param kind json, form, text, binary or none (empty)
 * @param contentType the Content-Type as sent, or null
 * @param text the captured bytes as text (json, form, text), else null
 * @param hex the captured bytes in hex (binary), else null
 */
record BodyView(long size, int captured, boolean truncated, String kind, String contentType, String text, String hex) {
    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build()).build();

    static BodyView of(MessageHead head, long size, int captured, byte[] bytes) {
        String contentType = head.first("Content-Type");
        boolean truncated = size > captured;
        if (size == 0) {
            return new BodyView(size, captured, truncated, "none", contentType, null, null);
        }
        String coding = head.first("Content-Encoding");
        String text = coding == null || coding.equalsIgnoreCase("identity") ? utf8(bytes, truncated) : null;
        String type = head.mediaType();
        if (text == null) {
            return new BodyView(size, captured, truncated, "binary", contentType, null, HexFormat.of().formatHex(bytes));
        }
        if (type.equals("application/json") || type.endsWith("+json")) {
            return new BodyView(size, captured, truncated, "json", contentType, truncated ? text : pretty(text), null);
        }
        if (type.equals("application/x-www-form-urlencoded")) {
            return new BodyView(size, captured, truncated, "form", contentType, text, null);
        }
        return new BodyView(size, captured, truncated, "text", contentType, text, null);
    }

    /** The bytes as UTF-8 text without control characters other than blanks, else null (a cut last character is dropped). */
    private static String utf8(byte[] bytes, boolean truncated) {
        for (int cut = 0; cut <= (truncated ? 3 : 0) && cut <= bytes.length; cut++) {
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, bytes.length - cut)).toString();
                return s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f) ? null : s;
            } catch (CharacterCodingException e) {
                // try again without the last byte: a character cut by the cap
            }
        }
        return null;
    }

    private static String pretty(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node == null ? json : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (java.io.IOException | RuntimeException notJson) {
            return json; // shown as sent
        }
    }
}
