package io.loomtunnel.internal.console;

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
     * @param history a file to keep the command history in, or null for history in memory only
     * @param banner printed first, e.g. what the console is attached to
     */
    public static void run(AdminClient admin, Path history, String banner) throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().name("loomtunnel").system(true).dumb(true).build()) {
            ConsoleCommands handlers = new ConsoleCommands(admin, terminal);
            PrintWriter out = terminal.writer();
            CommandLine commands = commandLine(handlers, out);
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

    /** The commands, with every error (bad arguments, a failed request) as one line. */
    static CommandLine commandLine(ConsoleCommands handlers, PrintWriter out) {
        CommandLine commands = new CommandLine(handlers);
        commands.setOut(out).setErr(out);
        commands.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandName();
            out.println("error: " + firstLine(e.getMessage())
                    + (command.isEmpty() ? " (help lists the commands)" : " (help " + command + ")"));
            return 2;
        });
        commands.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            out.println("error: " + firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            return 1;
        });
        return commands;
    }

    private static String firstLine(String s) {
        return s.lines().findFirst().orElse(s);
    }
}
