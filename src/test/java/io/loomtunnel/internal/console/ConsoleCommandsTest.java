package io.loomtunnel.internal.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jline.reader.Candidate;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The console's commands without an endpoint: which commands a server's and a client's console
 * offer (commands, help, completion), and bad usage as one line with "did you mean".
 */
class ConsoleCommandsTest {
    /** Nothing listens on port 1: a command that asks the endpoint would fail, and none here does. */
    private final AdminClient nowhere = new AdminClient(URI.create("http://127.0.0.1:1/"), null);
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final Terminal terminal = dumbTerminal(screen);

    @AfterEach
    void closeTerminal() throws IOException {
        terminal.close();
    }

    private static Terminal dumbTerminal(ByteArrayOutputStream screen) {
        try {
            return new DumbTerminal(new ByteArrayInputStream(new byte[0]), screen);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The console's commands for an endpoint of this role, printing to the terminal as in {@link Console#run}. */
    private CommandLine console(String role) {
        return Console.commandLine(new ConsoleCommands(nowhere, terminal), terminal.writer(), role, 80);
    }

    /** What one command line printed. */
    private String run(CommandLine console, String line) {
        screen.reset();
        console.execute(line.split(" "));
        terminal.writer().flush();
        return screen.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private Set<String> completions(CommandLine console, String line) {
        List<Candidate> candidates = new ArrayList<>();
        new ConsoleCompleter(console, nowhere).complete(null, new DefaultParser().parse(line, line.length()), candidates);
        Set<String> values = new TreeSet<>();
        candidates.forEach(c -> values.add(c.value()));
        return values;
    }

    @Test
    void aServersConsoleOffersNoOpenOrClose() {
        CommandLine server = console("server");
        assertFalse(server.getSubcommands().containsKey("open") || server.getSubcommands().containsKey("close"),
                server.getSubcommands().keySet().toString());
        assertTrue(server.getSubcommands().containsKey("kick"));
        Set<String> commands = completions(server, "");
        assertTrue(commands.contains("kick") && commands.contains("tunnels"), commands.toString());
        assertFalse(commands.contains("open") || commands.contains("close"), commands.toString());
        assertFalse(completions(server, "help ").contains("open"));
        String help = run(server, "help");
        assertTrue(help.contains("  kick "), help);
        assertFalse(help.contains("  open ") || help.contains("  close "), help);
        assertEquals("error: open works on a client's console; this one is attached to a server; type help\n",
                run(server, "open tcp 0:127.0.0.1:22"));
        assertEquals("error: close works on a client's console; this one is attached to a server; type help\n",
                run(server, "help close"));
    }

    @Test
    void aClientsConsoleOffersOpenAndCloseButNoKick() {
        CommandLine client = console("client");
        Set<String> commands = completions(client, "");
        assertTrue(commands.contains("open") && commands.contains("close"), commands.toString());
        assertFalse(commands.contains("kick"), commands.toString());
        String help = run(client, "help");
        assertTrue(help.contains("  open ") && help.contains("  close "), help);
        assertFalse(help.contains("  kick "), help);
        assertEquals("error: kick works on a server's console; this one is attached to a client; type help\n", run(client, "kick 1"));
    }

    @Test
    void anUnknownCommandIsOneLineWithASuggestion() {
        CommandLine client = console("client");
        assertEquals("error: unknown command 'opn' (did you mean open?); type help\n", run(client, "opn tcp 0:127.0.0.1:22"));
        assertEquals("error: unknown command 'tunels' (did you mean tunnels?); type help\n", run(client, "tunels"));
        assertEquals("error: unknown command 'frobnicate'; type help\n", run(client, "frobnicate"));
        assertEquals("error: unknown command 'sesions' (did you mean sessions?); type help\n", run(client, "help sesions"));
        assertEquals("error: open: missing SPEC; type help open\n", run(client, "open tcp"));
        assertEquals("error: logs: unknown option --line (did you mean --lines?); type help logs\n", run(client, "logs --line 3"));
    }

    @Test
    void commandHelpKeepsWordsWhole() {
        String help = run(console("client"), "help open");
        assertTrue(help.startsWith("Usage:") && help.contains(" open TYPE SPEC"), help);
        assertTrue(help.lines().allMatch(l -> l.length() <= 80), help);
        assertTrue(help.contains("ssh=0:127.0.0.1:22,") && help.contains("web:127.0.0.1:3000."), help);
    }
}
