package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * CIDR lists from arbitrary text: networks that contain their own network address and print as
 * text that parses back to themselves, or a one-line PolicyException; never another exception
 * (and never a name lookup). Seeds: src/test/resources/io/loomtunnel/internal/policies/CidrFuzzTestInputs/parse/.
 */
class CidrFuzzTest {
    @FuzzTest
    void parse(byte[] data) throws Exception {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            for (Cidr c : IpRules.parseList("f", text)) {
                assertTrue(c.contains(InetAddress.getByAddress(c.network())), c::toString);
                assertEquals(c, Cidr.parse(c.toString()));
            }
        } catch (PolicyException e) {
            assertTrue(e.getMessage().startsWith("f: ") && !e.getMessage().contains("\n"), e::getMessage);
        }
    }
}
