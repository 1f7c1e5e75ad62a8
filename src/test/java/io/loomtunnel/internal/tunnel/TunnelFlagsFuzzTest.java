package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loomtunnel.tunnel.TunnelSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * The --tcp, --udp and --http flag parsers on arbitrary text: a TunnelSpec or an
 * IllegalArgumentException, never another exception; a spec written back as a flag
 * ({@code NAME=FIRST:LOCAL}) parses to the same spec. Seeds:
 * src/test/resources/io/loomtunnel/internal/config/TunnelFlagsFuzzTestInputs/parse/.
 */
class TunnelFlagsFuzzTest {
    private static final List<Function<String, TunnelSpec>> PARSERS = List.of(TunnelFlags::tcp, TunnelFlags::udp, TunnelFlags::http);

    @FuzzTest
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (Function<String, TunnelSpec> parser : PARSERS) {
            TunnelSpec spec;
            try {
                spec = parser.apply(text);
            } catch (IllegalArgumentException e) {
                continue;
            }
            String first = spec.host() != null ? spec.host() : String.valueOf(spec.remotePort());
            assertEquals(spec, parser.apply(spec.name() + "=" + first + ":" + spec.local()), () -> "round trip of " + text);
        }
    }
}
