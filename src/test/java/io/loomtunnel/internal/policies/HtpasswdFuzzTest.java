package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The htpasswd parser on arbitrary text: users, or a one-line PolicyException with the file and
 * line number and no control characters, never another exception. Seeds:
 * src/test/resources/io/loomtunnel/internal/policies/HtpasswdFuzzTestInputs/parse/.
 */
class HtpasswdFuzzTest {
    @FuzzTest
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            // Cheap costs only: the seeds use cost 4, and a fuzzer's cost 16 would take a second a run.
            if (text.matches("(?s).*\\$2[aby]\\$(0[5-9]|1\\d).*")) {
                return;
            }
            Htpasswd h = Htpasswd.parse("f", text);
            assertTrue(h.size() >= 0);
        } catch (PolicyException e) {
            assertTrue(e.getMessage().matches("f:\\d+: [^\\p{Cc}]+"), () -> "not one line with its line number: " + e.getMessage());
        }
    }
}
