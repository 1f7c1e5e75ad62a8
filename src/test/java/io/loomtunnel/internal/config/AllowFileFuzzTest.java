package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.p2p.AllowList;
import io.loomtunnel.internal.signal.SignedBody;
import java.nio.charset.StandardCharsets;

/**
 * The allowed-peers file parser on arbitrary text: an allow list of valid ids and service names,
 * or a one-line ConfigException with the line number, never another exception. Seeds:
 * src/test/resources/io/loomtunnel/internal/config/AllowFileFuzzTestInputs/parse/.
 */
class AllowFileFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        try {
            AllowList list = AllowFile.parse("f", new String(data, StandardCharsets.UTF_8));
            list.peers().values().forEach(services -> services.forEach(s ->
                    assertTrue(SignedBody.SERVICE_NAME.matcher(s).matches(), () -> "service '" + s + "'")));
        } catch (ConfigException e) {
            assertTrue(e.getMessage().matches("f:\\d+: [^\\p{Cc}]+"), () -> "not one line with its line number: " + e.getMessage());
        }
    }
}
