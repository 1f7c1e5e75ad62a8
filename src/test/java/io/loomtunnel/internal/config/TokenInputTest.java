package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokenInputTest {
    @Test
    void theFirstLineThatIsNotBlankOrACommentIsTheToken() throws IOException {
        assertEquals("s3cret", read("s3cret\n"));
        assertEquals("s3cret", read("s3cret"));
        assertEquals("s3cret", read("\n# issued today\n  s3cret  # laptop\r\nignored after\n"));
    }

    @Test
    void noTokenIsNull() throws IOException {
        assertNull(read(""));
        assertNull(read("\n  \n# only a comment\n"));
    }

    @Test
    void readingStopsAfterTheTokenLineSoAnOpenPipeDoesNotBlock() throws IOException {
        InputStream endless = new InputStream() {
            private final byte[] first = "# comment\ns3cret\n".getBytes(StandardCharsets.UTF_8);
            private int at;

            @Override
            public int read() {
                if (at < first.length) {
                    return first[at++];
                }
                throw new AssertionError("read past the token line");
            }
        };
        assertEquals("s3cret", TokenInput.read("standard input", endless));
    }

    @Test
    void badInputIsOneLineNamingIt() {
        assertEquals("standard input:1: expected the token alone, found more after it",
                assertThrows(ConfigException.class, () -> read("s3cret 10000-20000\n")).getMessage());
        assertEquals("standard input: not UTF-8 text",
                assertThrows(ConfigException.class, () -> TokenInput.read("standard input",
                        new ByteArrayInputStream(new byte[] {(byte) 0xff, '\n'}))).getMessage());
        assertEquals("standard input: no token within the first 64 KiB",
                assertThrows(ConfigException.class, () -> read("\n".repeat(TokenInput.MAX_BYTES + 1))).getMessage());
    }

    private static String read(String text) throws IOException {
        return TokenInput.read("standard input", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }
}
