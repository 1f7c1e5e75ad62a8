package io.loomtunnel.internal.cli;

import io.loomtunnel.Version;
import io.loomtunnel.internal.config.ConfigException;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.tls.PeerRejectedException;
import io.loomtunnel.tls.IdentityException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code loomtunnel} command: a thin layer of subcommands over the library. */
@Command(name = "loomtunnel",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "Secure TCP/UDP/HTTP tunnels over multiplexed TLS 1.3 sessions.",
        footer = {"", "Exit codes: 0 ok, 1 internal error, 2 bad usage or config, 3 authentication refused,"
                + " 4 server key does not match --server-id, 10 could not connect (client: with --no-reconnect),"
                + " 11 connection lost; peer-to-peer:"
                + " 20 service not offered, 21 peer busy, 22 bad signaling block, 23 expired block, 24 replayed block,"
                + " 25 peer unknown to the signaling server."})
public final class Main implements Runnable {
    /** Every subcommand, in the order the help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(ServerCommand.class, ClientCommand.class, ShareCommand.class,
            ConnectCommand.class, DemoCommand.class, KeygenCommand.class, IdCommand.class, StatusCommand.class,
            ConsoleCommand.class, QuickTunnelCommand.Http.class, QuickTunnelCommand.Tcp.class, QuickTunnelCommand.Udp.class,
            LoginCommand.class, LogoutCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cli = commandLine(args);
        UsageErrors.install(cli); // after the subcommands: picocli gives handlers to those present
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(UsageErrors.aboutAFlag(e) ? UsageErrors.line(commandLine, oneLine(e))
                    : "loomtunnel: " + oneLine(e));
            return exitCodeFor(e);
        });
        return cli.execute(args);
    }

    /**
     * The command line that runs {@code args}: the top command with the subcommands {@link
     * #commandsFor} picks; with no arguments, every subcommand (for documentation and completion).
     *
     * @param args the arguments it is to run, or none
     * @return the command line, without handlers
     */
    public static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> command : commandsFor(args)) {
            cli.addSubcommand(command);
        }
        return cli;
    }

    /**
     * The subcommands to build: only the one named first when it is one, else all (help, a missing
     * or an unknown command). Picocli builds each command's model by reflection when it is added:
     * all fifteen cost a server about 150 ms of its start (async-profiler), one a few.
     */
    static List<Class<?>> commandsFor(String... args) {
        if (args.length > 0) {
            for (Class<?> c : COMMANDS) {
                if (c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(args[0])) {
                    return List.of(c);
                }
            }
        }
        return COMMANDS;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required: " + String.join(", ", spec.subcommands().keySet()));
    }

    static int exitCodeFor(Throwable e) {
        if (e instanceof UsageException || e instanceof IdentityException || e instanceof ConfigException) {
            return ExitCode.USAGE;
        }
        if (e instanceof PeerRejectedException) {
            return ExitCode.PEER_KEY_MISMATCH;
        }
        if (e instanceof AuthenticationException) {
            return ExitCode.AUTH_REFUSED;
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
            return ExitCode.CONNECT_FAILED;
        }
        return ExitCode.INTERNAL;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** Reads the version from the jar's manifest (see {@link Version}). */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {Version.SOFTWARE, "Java " + Runtime.version()};
        }
    }
}
