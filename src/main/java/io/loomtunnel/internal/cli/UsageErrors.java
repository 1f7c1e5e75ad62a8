package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.usage.HelpLayout;
import io.loomtunnel.internal.usage.ParseErrors;
import picocli.CommandLine;

/**
 * Bad usage as one line on stderr and exit code 2, as OpenSSH and git answer it, instead of
 * picocli's error followed by the whole usage: {@code loomtunnel client: unknown option --tpc
 * (did you mean --tcp?); see 'loomtunnel client --help'}. {@link Main} installs it, with the
 * help layout, on the whole command tree, so every subcommand gets both.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private UsageErrors() {}

    static void install(CommandLine cli) {
        cli.setParameterExceptionHandler(new UsageErrors());
        HelpLayout.install(cli, System.getenv("COLUMNS"));
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        e.getCommandLine().getErr().println(line(e.getCommandLine(), ParseErrors.message(e)));
        return ExitCode.USAGE;
    }

    /**
     * Whether a command's failure is a bad flag found after parsing ({@code --bind must be
     * HOST:PORT ...}, {@code --signal server needs ...}): then it is a usage error like a parse
     * error and gets the same line. Other usage errors (a config file, a key file) keep
     * {@code loomtunnel: MESSAGE}, as --help would not help with them.
     */
    static boolean aboutAFlag(Exception e) {
        return e instanceof UsageException && e.getMessage() != null && e.getMessage().startsWith("--");
    }

    /** {@code loomtunnel client: MESSAGE; see 'loomtunnel client --help'}. */
    static String line(CommandLine command, String message) {
        String name = command.getCommandSpec().qualifiedName();
        return name + ": " + message + "; see '" + name + " --help'";
    }
}
