package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * A token piped on standard input, as arbitrary bytes: null, a token that is neither blank nor
 * holds whitespace, or a one-line ConfigException naming the input; never another exception.
 * Seeds: src/test/resources/io/loomtunnel/internal/config/TokenInputFuzzTestInputs/read/.
 */
class TokenInputFuzzTest {

    @FuzzTest
    void read(byte[] data) throws IOException {
        try {
            String token = TokenInput.read("stdin", new ByteArrayInputStream(data));
            if (token != null) {
                assertFalse(token.isEmpty() || token.codePoints().anyMatch(Character::isWhitespace), () -> "token '" + token + "'");
            }
        } catch (ConfigException e) {
            assertTrue(e.getMessage().matches("stdin(:\\d+)?: [^\\p{Cc}]+"), () -> "not one line: " + e.getMessage());
        }
    }
}
