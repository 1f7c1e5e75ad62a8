package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Which subcommands the command line builds: only the one a run names, or all of them. */
class MainTest {
    private static final List<String> ALL = List.of("server", "client", "share", "connect", "demo", "keygen", "id", "status",
            "console", "http", "tcp", "udp", "login", "logout", "help");

    @Test
    void aRunOfOneCommandBuildsOnlyThatOne() {
        assertEquals(List.of("server"), names("server", "--bind", "127.0.0.1:0"));
        assertEquals(List.of("http"), names("http", "3000"));
        assertEquals(List.of("client"), names("client", "--help"));
    }

    @Test
    void helpAMissingOrAnUnknownCommandBuildsThemAll() {
        assertEquals(ALL, names());
        assertEquals(ALL, names("--help"));
        assertEquals(ALL, names("-V"));
        assertEquals(ALL, names("help", "server"));
        assertEquals(ALL, names("serve"));
    }

    @Test
    void aRunOfOneCommandParsesAsWithAllOfThem() {
        CommandLine.ParseResult one = Main.commandLine("keygen", "--help").parseArgs("keygen", "--help");
        CommandLine.ParseResult all = Main.commandLine().parseArgs("keygen", "--help");
        assertEquals(all.subcommand().commandSpec().name(), one.subcommand().commandSpec().name());
        assertEquals(all.subcommand().isUsageHelpRequested(), one.subcommand().isUsageHelpRequested());
    }

    private static List<String> names(String... args) {
        return List.copyOf(Main.commandLine(args).getSubcommands().keySet());
    }
}
