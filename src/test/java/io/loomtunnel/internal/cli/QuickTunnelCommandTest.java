package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.net.HostPort;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QuickTunnelCommandTest {
    @Test
    void aPortAloneIsOnLocalhost() {
        assertEquals("localhost:3000", QuickTunnelCommand.local("3000"));
        assertEquals("127.0.0.1:8080", QuickTunnelCommand.local("127.0.0.1:8080"));
        assertEquals("[::1]:53", QuickTunnelCommand.local("[::1]:53"));
    }

    @Test
    void aBadTargetIsOneLine() {
        for (String bad : new String[] {"0", "70000", "web", "localhost:", "::1:53", ""}) {
            assertEquals("the local service must be PORT or HOST:PORT, got '" + bad + "'",
                    assertThrows(UsageException.class, () -> QuickTunnelCommand.local(bad)).getMessage());
        }
    }

    @Test
    void randomNamesAreHostLabelsAndRarelyRepeat() {
        SplittableRandom random = new SplittableRandom(12);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String name = ReadableNames.next(random);
            assertTrue(name.matches("[a-z]+-[a-z]+-[a-z2-9]{4}") && HostPort.isDomain(name) && name.length() <= 63, name);
            names.add(name);
        }
        assertTrue(names.size() > 9_900, "about 30 bits: " + names.size() + " distinct of 10,000");
        assertNotEquals(ReadableNames.next(), ReadableNames.next());
    }
}
