package io.loomtunnel.internal.console;

import io.loomtunnel.observe.Status;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Tab completion for the console: command names (from picocli's spec, with their descriptions),
 * each command's options, and live values from the admin endpoint: session numbers for
 * {@code kick}, tunnel names for {@code close}, types for {@code open}.
 */
final class ConsoleCompleter implements Completer {
    private final CommandLine commands;
    private final AdminClient admin;

    ConsoleCompleter(CommandLine commands, AdminClient admin) {
        this.commands = commands;
        this.admin = admin;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        Map<String, CommandLine> subcommands = commands.getSubcommands();
        if (line.wordIndex() == 0) {
            subcommands.forEach((name, sub) -> candidates.add(new Candidate(name, name, null,
                    String.join(" ", sub.getCommandSpec().usageMessage().description()), null, null, true)));
            return;
        }
        CommandLine sub = subcommands.get(line.words().get(0));
        if (sub == null) {
            return;
        }
        if (line.word().startsWith("-")) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                for (String name : o.names()) {
                    candidates.add(new Candidate(name, name, null, String.join(" ", o.description()), null, null, true));
                }
            }
            return;
        }
        switch (sub.getCommandName()) {
            case "help" -> subcommands.keySet().forEach(name -> candidates.add(new Candidate(name)));
            case "open" -> {
                if (line.wordIndex() == 1) {
                    List.of("tcp", "udp", "http").forEach(t -> candidates.add(new Candidate(t)));
                }
            }
            case "kick" -> live().sessions().forEach(s -> candidates.add(new Candidate(s.id(), s.id(), null,
                    s.peer() + " " + s.principal(), null, null, true)));
            case "close" -> live().sessions().forEach(s -> s.tunnels().forEach(t -> candidates.add(new Candidate(t.name(),
                    t.name(), null, t.type() + " " + t.address(), null, null, true))));
            default -> { }
        }
    }

    /** The status now, or an empty one when the endpoint cannot be asked (completion then offers nothing). */
    private Status live() {
        try {
            return admin.status();
        } catch (IOException e) {
            return new Status("", "", "", 0, null, null, List.of());
        }
    }
}
