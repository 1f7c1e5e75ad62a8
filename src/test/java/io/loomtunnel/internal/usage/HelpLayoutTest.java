package io.loomtunnel.internal.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Footers and descriptions keep words whole; indented lines (examples) stay as written; COLUMNS sets the width. */
class HelpLayoutTest {
    private static final String EXAMPLE = "  tool --tokens-file tokens.txt --allow-hosts '*.tunnel.example.org,shop.example.com' \\";

    @Command(name = "tool", description = "A description long enough to wrap: see docs/CONFIG.md and http://127.0.0.1:4318/v1/metrics for more.",
            footer = {"", "Examples:", EXAMPLE, "      --key ~/.loomtunnel/server.key",
                    "", "Flags override LOOMTUNNEL_* environment variables, which override the config file (docs/CONFIG.md)."})
    static final class Tool {}

    @Test
    void examplesAsWrittenProseWrappedAtSpaces() {
        CommandLine tool = new CommandLine(new Tool());
        HelpLayout.install(tool, "60");
        String usage = tool.getUsageMessage(CommandLine.Help.Ansi.OFF);
        List<String> lines = usage.lines().toList();
        assertTrue(lines.contains(EXAMPLE), usage);
        assertTrue(lines.contains("      --key ~/.loomtunnel/server.key"), usage);
        assertTrue(lines.contains("override the config file (docs/CONFIG.md)."), "wrapped at a space:\n" + usage);
        assertTrue(lines.contains("http://127.0.0.1:4318/v1/metrics for more."), usage);
        for (String line : lines) {
            assertTrue(line.equals(EXAMPLE) || line.length() <= 60, "wider than 60: " + line);
        }
    }

    @Test
    void wrapKeepsALongWordWhole() {
        assertEquals(List.of("a", "bbbbbbbbbbbb", "c d"), HelpLayout.wrap("a bbbbbbbbbbbb c d", 5));
        assertEquals(List.of("one two", "three"), HelpLayout.wrap("one  two three", 7));
    }

    @Test
    void columnsSetsTheWidthWithinPicocliLimits() {
        assertEquals(120, HelpLayout.width("120"));
        assertEquals(HelpLayout.MIN_WIDTH, HelpLayout.width("20"));
        assertNull(HelpLayout.width(null));
        assertNull(HelpLayout.width("wide"));
        assertNull(HelpLayout.width("0"));
    }
}
