package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.server.Grant;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The tokens / authorized-keys / token file parsers on arbitrary text: grants or a one-line
 * ConfigException with the line number, never another exception; a token that loads is never
 * blank and never holds whitespace (the server's file could not express it). Seeds:
 * src/test/resources/io/loomtunnel/internal/config/GrantFileFuzzTestInputs/parse/.
 */
class GrantFileFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (GrantFile.Kind kind : GrantFile.Kind.values()) {
            try {
                List<Grant> grants = GrantFile.parse("f", text, kind);
                grants.forEach(g -> assertToken(g.credential()));
                assertEquals(grants.size(), grants.stream().map(Grant::credential).distinct().count(), "duplicates");
            } catch (ConfigException e) {
                assertTrue(e.getMessage().matches("f:\\d+: [^\\p{Cc}]+"), () -> "not one line with its line number: " + e.getMessage());
            }
        }
        try {
            assertToken(TokenFile.parse("f", text));
        } catch (ConfigException e) {
            assertTrue(e.getMessage().matches("f(:\\d+)?: [^\\p{Cc}]+"), () -> "not one line: " + e.getMessage());
        }
    }

    private static void assertToken(String credential) {
        assertFalse(credential.isEmpty() || credential.codePoints().anyMatch(Character::isWhitespace), () -> "credential '" + credential + "'");
    }
}
