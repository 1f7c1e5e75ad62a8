package io.loomtunnel.internal.console;

import io.loomtunnel.internal.config.Durations;
import io.loomtunnel.observe.Status;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jline.terminal.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The console's commands, parsed by picocli (so each has inline help: {@code help open}); each
 * asks the admin endpoint and prints to the terminal. A command's failure is one line and the
 * console goes on.
 */
@Command(name = "", mixinStandardHelpOptions = false)
final class ConsoleCommands {
    /**
     * Commands only one kind of endpoint carries out (its admin endpoint refuses them on the
     * other): the console, its help and its completion offer them only there.
     */
    static final Map<String, String> ONLY_ON = Map.of("open", "client", "close", "client", "kick", "server");

    private final AdminClient admin;
    private final Terminal terminal;
    private final PrintWriter out;
    /** Set by {@code quit}. */
    boolean quit;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    ConsoleCommands(AdminClient admin, Terminal terminal) {
        this.admin = admin;
        this.terminal = terminal;
        this.out = terminal.writer();
    }

    @Command(name = "sessions", description = "Sessions: peer, principal, RTT, uptime, streams.")
    void sessions() throws IOException {
        out.print(StatusView.sessions(admin.status()));
    }

    @Command(name = "tunnels", description = "Tunnels: address, streams, throughput, bytes, datagrams.")
    void tunnels() throws IOException {
        out.print(StatusView.tunnels(admin.status()));
    }

    @Command(name = "streams", description = "Open streams per session and tunnel.")
    void streams() throws IOException {
        out.print(StatusView.streams(admin.status()));
    }

    @Command(name = "status", description = "Summary, sessions and tunnels at once.")
    void status() throws IOException {
        out.println(StatusView.full(admin.status()));
    }

    @Command(name = "stats", description = "Live RTT and throughput, refreshed until a key is pressed.")
    void stats(@Option(names = "--count", paramLabel = "N", description = "Stop after N refreshes (for scripts).")
               Integer count,
               @Option(names = "--interval", paramLabel = "TIME", defaultValue = "1s",
                       description = "Time between refreshes (default ${DEFAULT-VALUE}).") String interval)
            throws IOException {
        Duration every = Durations.parse(interval);
        if (every == null || every.isZero()) {
            throw new IllegalArgumentException("--interval must be a duration like 500ms or 2s, got '" + interval + "'");
        }
        new LiveView(terminal).run(() -> StatusView.stats(admin.status()), every, count == null ? 0 : count);
    }

    @Command(name = "open", description = "Open a tunnel on a client now, e.g. open tcp ssh=0:127.0.0.1:22, open http web:127.0.0.1:3000.")
    void open(@Parameters(index = "0", paramLabel = "TYPE", description = "tcp, udp or http") String type,
              @Parameters(index = "1", paramLabel = "SPEC",
                      description = "[NAME=]REMOTE_PORT:HOST:PORT (tcp, udp) or [NAME=]HOST:HOST:PORT (http)") String spec)
            throws IOException {
        Status.Tunnel t = admin.open(type, spec);
        out.println("opened " + t.type() + " " + t.name() + " at " + t.address() + (t.local() == null ? "" : " -> " + t.local()));
    }

    @Command(name = "close", description = "Close a client's tunnel; the server frees its port or host.")
    void close(@Parameters(paramLabel = "TUNNEL") String tunnel) throws IOException {
        admin.close(tunnel);
        out.println("closed " + tunnel);
    }

    @Command(name = "kick", description = "End a client's session on a server (the client may reconnect).")
    void kick(@Parameters(paramLabel = "SESSION", description = "a session number from 'sessions'") String session)
            throws IOException {
        admin.kick(session);
        out.println("kicked session " + session);
    }

    @Command(name = "logs", description = "Recent log lines.")
    void logs(@Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "20",
            description = "How many (default ${DEFAULT-VALUE}).") int lines) throws IOException {
        List<String> recent = admin.logs(lines);
        if (recent.isEmpty()) {
            out.println("(no log lines yet)");
        }
        recent.forEach(out::println);
    }

    @Command(name = "help", description = "List the commands, or explain one: help open.")
    void help(@Parameters(arity = "0..1", paramLabel = "COMMAND") String command) {
        Map<String, CommandLine> all = spec.subcommands();
        if (command != null) {
            CommandLine sub = all.get(command);
            if (sub == null) { // worded as picocli's own help command words it, for the one-line usage error
                throw new CommandLine.ParameterException(spec.commandLine(), "Unknown subcommand '" + command + "'.", null, command);
            }
            out.print(sub.getUsageMessage(CommandLine.Help.Ansi.OFF));
            return;
        }
        all.forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) { // aliases (exit) are listed under their command
                out.printf("  %-9s %s%n", name, String.join(" ", sub.getCommandSpec().usageMessage().description()));
            }
        });
        out.println("Tab completes commands, options, session numbers and tunnel names; up and down go through history.");
    }

    @Command(name = "quit", aliases = "exit", description = "Leave the console (Ctrl-D too).")
    void quit() {
        quit = true;
    }
}
