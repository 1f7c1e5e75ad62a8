package io.loomtunnel.internal.config;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * A token piped on standard input ({@code echo "$TOKEN" | loomtunnel login …}, {@code < token.txt}):
 * read as a token file, but only up to the end of the line that holds the token, so a pipe that
 * stays open after it does not keep the reader waiting.
 */
public final class TokenInput {
    /** A token is short; more than this before one is not a token. */
    static final int MAX_BYTES = 64 * 1024;

    private TokenInput() {}

    /**
     * The token of {@code in}: its first line that is neither blank nor a {@code #} comment, read
     * as {@link TokenFile} reads one; null when the input ends without such a line.
     *
     * @param name what to call the input in messages, e.g. "standard input"
     * @throws ConfigException the input is not UTF-8, longer than 64 KiB before a token, or the token line holds more than the token
     */
    public static String read(String name, InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            if (all.size() == MAX_BYTES) {
                throw new ConfigException(name + ": no token within the first 64 KiB");
            }
            all.write(b);
            if (b != '\n') {
                line.write(b);
            } else if (!GrantFile.lines(text(name, line)).isEmpty()) {
                break; // '\n' never occurs inside a UTF-8 sequence, so each line decodes alone
            } else {
                line.reset();
            }
        }
        String text = text(name, all);
        return GrantFile.lines(text).isEmpty() ? null : TokenFile.parse(name, text);
    }

    private static String text(String name, ByteArrayOutputStream bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(name + ": not UTF-8 text");
        }
    }
}
