package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.tls.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The client's request-inspector flags as they reach ClientSettings. */
class ClientInspectOptionsTest {
    private static final String SERVER_ID = Identity.generate().id().toString();

    private static ClientSettings.Inspection parse(String... flags) {
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:7835", "--server-id", SERVER_ID,
                "--http", "web:127.0.0.1:3000", "--http", "api:127.0.0.1:3001"));
        args.addAll(List.of(flags));
        ClientCommand c = new ClientCommand();
        new CommandLine(c).parseArgs(args.toArray(String[]::new));
        return c.settings().settings().inspection();
    }

    @Test
    void capturesEveryHttpTunnelByDefault() {
        assertEquals(new ClientSettings.Inspection(true, Set.of(), 64 * 1024, false), parse());
    }

    @Test
    void noInspectWithANameLeavesThatTunnelOutAndBareTurnsItOff() {
        assertEquals(Set.of("api"), parse("--no-inspect", "api").offTunnels());
        assertTrue(parse("--no-inspect", "api").enabled());
        assertFalse(parse("--no-inspect", "--http", "x:127.0.0.1:1").enabled(), "a bare --no-inspect takes no option as its value");
        assertFalse(parse("--no-inspect").enabled());
    }

    @Test
    void bodyCapTakesSizesAndUnmaskShows() {
        assertEquals(1024 * 1024, parse("--inspect-body-cap", "1MiB").bodyCap());
        assertEquals(0, parse("--inspect-body-cap", "0").bodyCap());
        assertEquals(4096, parse("--inspect-body-cap", "4k").bodyCap());
        assertTrue(parse("--inspect-unmask").unmask());
        UsageException e = assertThrows(UsageException.class, () -> parse("--inspect-body-cap", "lots"));
        assertTrue(e.getMessage().contains("--inspect-body-cap"), e.getMessage());
    }
}
