package io.loomtunnel.internal.console;

import io.loomtunnel.internal.usage.HelpLayout;
import io.loomtunnel.internal.usage.ParseErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;

/**
 * The interactive operator console (JLine 3): reads commands with completion, history and
 * inline help, runs them against an admin endpoint, and keeps going after a failed command.
 * It works on a real terminal, on a dumb one and with commands piped in (then it ends at the
 * end of its input).
 */
public final class Console {
    private static final String PROMPT = "loomtunnel> ";

    private Console() {}

    /**
     * Runs until {@code quit}, Ctrl-D or the end of input.
     *
     * @param role what the endpoint is, as its status says ({@code server}, {@code client}): the
     *     console offers only the commands it carries out
     * @param history a file to keep the command history in, or null for history in memory only
     * @param banner printed first, e.g. what the console is attached to
     */
    public static void run(AdminClient admin, String role, Path history, String banner) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().name("loomtunnel").system(true).dumb(true).build()) {
            ConsoleCommands handlers = new ConsoleCommands(admin, terminal);
            PrintWriter out = terminal.writer();
            CommandLine commands = commandLine(handlers, out, role, terminal.getWidth());
            LineReaderBuilder builder = LineReaderBuilder.builder().terminal(terminal).appName("loomtunnel")
                    .completer(new ConsoleCompleter(commands, admin))
                    .option(LineReader.Option.AUTO_LIST, true)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true);
            if (history != null) {
                builder.variable(LineReader.HISTORY_FILE, history);
            }
            LineReader reader = builder.build();
            out.println(banner);
            out.println("Type help for the commands; Tab completes; quit or Ctrl-D leaves.");
            out.flush();
            while (!handlers.quit) {
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException ctrlC) {
                    continue;
                } catch (EndOfFileException ctrlD) {
                    break;
                }
                if (!line.isBlank()) {
                    commands.execute(reader.getParsedLine().words().stream().filter(w -> !w.isEmpty()).toArray(String[]::new));
                }
                out.flush();
            }
        }
    }

    /**
     * The commands for an endpoint of this role, with every error (bad usage, a failed request)
     * as one line: {@code error: unknown command 'opn' (did you mean open?); type help}.
     *
     * @param width the terminal's columns, for {@code help COMMAND}; 0 when unknown
     */
    static CommandLine commandLine(ConsoleCommands handlers, PrintWriter out, String role, int width) {
        CommandLine commands = new CommandLine(handlers);
        ConsoleCommands.ONLY_ON.forEach((name, on) -> {
            if (!on.equals(role)) {
                commands.getCommandSpec().removeSubcommand(name);
            }
        });
        HelpLayout.install(commands, String.valueOf(width > 0 ? width : 80));
        commands.setOut(out).setErr(out);
        commands.setParameterExceptionHandler((e, args) -> {
            out.println("error: " + usageError(e, role));
            return 2;
        });
        commands.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            out.println("error: " + firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        });
        return commands;
    }

    /** The one line for bad usage: what is wrong, then where help is. */
    private static String usageError(CommandLine.ParameterException e, String role) {
        String command = e.getCommandLine().getCommandName();
        if (!command.isEmpty()) {
            return command + ": " + ParseErrors.message(e) + "; type help " + command;
        }
        String word = e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                ? u.getUnmatched().get(0) : e.getValue();
        String on = word == null ? null : ConsoleCommands.ONLY_ON.get(word);
        if (on != null && !on.equals(role)) {
            return word + " works on a " + on + "'s console; this one is attached to a " + role + "; type help";
        }
        return ParseErrors.message(e) + "; type help";
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
