package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.signal.SignalException.Problem;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The text form of a signaling block, made to survive copy-paste through chat and email
 * (docs/protocol/SESSION.md, "Peer-to-peer"):
 *
 * <pre>
 * -----BEGIN LOOMTUNNEL OFFER-----
 * Version: 1
 * Checksum: 5d1f09a3
 * eyJ0eXBlIjoib2ZmZXIiLCJmcm9tIjoi...   (base64url of the payload, 64 columns)
 * -----END LOOMTUNNEL OFFER-----
 * </pre>
 *
 * The checksum is CRC-32C over the payload bytes: it tells damage in copying (a lost line, a
 * changed character) from tampering, which the payload's signature catches. Reading is lenient
 * about what mail and chat do to text: quote markers ({@code > }), indentation, CRLF, blank lines,
 * re-wrapped or space-split body lines, dashes turned into long dashes.
 */
public final class Armor {
    /** The block format this program writes and reads. */
    public static final int VERSION = 1;
    private static final int COLUMNS = 64;
    private static final String PRODUCT = "LOOMTUNNEL";

    private Armor() {}

    /** The block as text, ending in a newline. */
    public static String encode(SignedBlock block) {
        String label = PRODUCT + " " + block.kind().label();
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(block.payload());
        StringBuilder out = new StringBuilder(body.length() + 160);
        out.append("-----BEGIN ").append(label).append("-----\n");
        out.append("Version: ").append(VERSION).append('\n');
        out.append("Checksum: ").append(checksum(block.payload())).append('\n');
        for (int i = 0; i < body.length(); i += COLUMNS) {
            out.append(body, i, Math.min(body.length(), i + COLUMNS)).append('\n');
        }
        out.append("-----END ").append(label).append("-----\n");
        return out.toString();
    }

    /** The first block in {@code text}; text around it is ignored. */
    public static SignedBlock decode(String text) throws SignalException {
        BlockScanner scanner = new BlockScanner();
        for (String line : (Iterable<String>) text.lines()::iterator) {
            SignedBlock block = scanner.feed(line);
            if (block != null) {
                return block;
            }
        }
        scanner.finish();
        throw new SignalException(Problem.TRUNCATED, "no 'BEGIN " + PRODUCT + " OFFER' or '... ANSWER' line found: nothing was pasted, or the start was cut off");
    }

    /** CRC-32C of the payload as 8 lowercase hex digits. */
    static String checksum(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return String.format("%08x", crc.getValue());
    }

    /** A line without quote markers ({@code >}, {@code > >}) and surrounding white space. */
    static String unquote(String line) {
        String s = line.strip();
        while (s.startsWith(">")) {
            s = s.substring(1).strip();
        }
        return s;
    }

    /** The kind a {@code BEGIN}/{@code END} line names ({@code word} says which), or null if the line is not one. */
    static BlockKind marker(String line, String word) {
        int from = 0;
        int to = line.length();
        while (from < to && isDash(line.charAt(from))) {
            from++;
        }
        while (to > from && isDash(line.charAt(to - 1))) {
            to--;
        }
        String inner = line.substring(from, to).strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        String prefix = word + " " + PRODUCT + " ";
        if (from == 0 || !inner.startsWith(prefix)) {
            return null; // a marker line has dashes in front, as written; prose that names a block does not
        }
        for (BlockKind kind : BlockKind.values()) {
            if (inner.equals(prefix + kind.label())) {
                return kind;
            }
        }
        return null;
    }

    private static boolean isDash(char c) {
        return c == '-' || c == '\u2013' || c == '\u2014' || c == '\u2212';
    }

    /** Reads the lines between a block's BEGIN and END lines (already unquoted). */
    static SignedBlock parse(BlockKind kind, List<String> lines) throws SignalException {
        String version = null;
        String checksum = null;
        StringBuilder body = new StringBuilder();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                if (!body.isEmpty()) {
                    throw damaged("a header line comes after the body started: '" + shorten(line) + "'");
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).strip();
                if (name.equals("version")) {
                    version = value;
                } else if (name.equals("checksum")) {
                    checksum = value.toLowerCase(Locale.ROOT);
                }
                continue; // other headers (a comment) are not part of the block's meaning
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (!Character.isWhitespace(c)) {
                    body.append(c);
                }
            }
        }
        if (version == null) {
            throw damaged("the block has no 'Version:' line");
        }
        if (!version.equals(String.valueOf(VERSION))) {
            throw new SignalException(Problem.UNSUPPORTED_VERSION, "block format version '" + shorten(version)
                    + "' is not supported; this loomtunnel reads version " + VERSION);
        }
        if (checksum == null || !checksum.matches("[0-9a-f]{8}")) {
            throw damaged(checksum == null ? "the block has no 'Checksum:' line" : "the checksum is not 8 hex digits");
        }
        byte[] payload = base64url(body);
        if (!checksum(payload).equals(checksum)) {
            throw damaged("checksum mismatch: the block was changed or cut while being copied");
        }
        return new SignedBlock(kind, payload);
    }

    private static byte[] base64url(StringBuilder body) throws SignalException {
        int end = body.length();
        while (end > 0 && body.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            throw new SignalException(Problem.TRUNCATED, "the block has no body: it was cut off");
        }
        for (int i = 0; i < end; i++) {
            char c = body.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw damaged("character '" + printable(c) + "' in the body is not base64url");
            }
        }
        if (end % 4 == 1 || (long) end * 3 / 4 > SignedBlock.MAX_PAYLOAD) {
            throw damaged(end % 4 == 1 ? "the body's length is not valid base64url: characters are missing"
                    : "the body is longer than " + SignedBlock.MAX_PAYLOAD + " bytes");
        }
        return Base64.getUrlDecoder().decode(body.substring(0, end));
    }

    private static SignalException damaged(String why) {
        return new SignalException(Problem.DAMAGED, why);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    /** At most 40 characters of untrusted text, without control characters, for a one-line message. */
    static String shorten(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().limit(40).forEach(cp -> sb.append(Character.isISOControl(cp) ? "?" : Character.toString(cp)));
        return text.codePointCount(0, text.length()) > 40 ? sb + "…" : sb.toString();
    }
}
