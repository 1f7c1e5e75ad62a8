package io.loomtunnel.internal.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A picocli parse error as one short clause for people, with "did you mean" where a word was
 * mistyped: {@code unknown option --tpc (did you mean --tcp?)}, {@code unknown command 'opn'
 * (did you mean open?)}, {@code missing --out FILE}. Callers add whose error it is and where
 * help is ({@code loomtunnel client: ...; see 'loomtunnel client --help'}).
 */
public final class ParseErrors {
    /** What picocli's {@code help} command says about a name it does not know. */
    private static final Pattern UNKNOWN_SUBCOMMAND = Pattern.compile("Unknown subcommand '(.*)'\\.");
    /** Picocli's words for an option typed without its value: at the end, or followed by another option. */
    private static final List<String> OPTION_WITHOUT_VALUE = List.of("Missing required parameter for option",
            "Expected parameter for option");
    /** Picocli's words for a value its type converter refused: "Invalid value for option '--x': why". */
    private static final Pattern INVALID_VALUE = Pattern.compile("Invalid value for option '([^']*)': (.*)");

    private ParseErrors() {}

    public static String message(ParameterException e) {
        CommandSpec spec = e.getCommandLine().getCommandSpec();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            return unmatched(u, spec);
        }
        String first = firstLine(e.getMessage());
        Matcher help = UNKNOWN_SUBCOMMAND.matcher(first);
        if (help.matches()) {
            return unknownCommand(help.group(1), List.of(), spec);
        }
        if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()) {
            return missing(m, first);
        }
        Matcher invalid = INVALID_VALUE.matcher(first);
        if (invalid.matches()) {
            return "bad value for " + invalid.group(1) + ": " + invalid.group(2);
        }
        return first.isEmpty() ? first : first.substring(0, 1).toLowerCase(Locale.ROOT) + first.substring(1);
    }

    /** {@code unknown command 'opn' (did you mean open?)}, suggesting among the visible commands of {@code spec}. */
    public static String unknownCommand(String word, List<String> fromPicocli, CommandSpec spec) {
        return "unknown command '" + word + "'" + Suggestions.didYouMean(Suggestions.of(word, fromPicocli, commandNames(spec)));
    }

    private static String unmatched(UnmatchedArgumentException u, CommandSpec spec) {
        List<String> words = u.getUnmatched();
        if (u.isUnknownOption()) {
            String option = words.stream().filter(w -> w.startsWith("-")).findFirst().orElse(words.get(0));
            int equals = option.indexOf('=');
            String name = equals > 0 ? option.substring(0, equals) : option;
            List<String> fromPicocli = name.equals(words.get(0)) ? u.getSuggestions() : List.of();
            return "unknown option " + name + Suggestions.didYouMean(Suggestions.of(name, fromPicocli, optionNames(spec)));
        }
        if (!spec.subcommands().isEmpty() && spec.positionalParameters().isEmpty()) {
            return unknownCommand(words.get(0), u.getSuggestions(), spec);
        }
        return "unexpected argument '" + words.get(0) + "'";
    }

    /** {@code --server needs a value (HOST:PORT)}, or {@code missing --peer ID, --service NAME}. */
    private static String missing(MissingParameterException m, String picocliMessage) {
        if (OPTION_WITHOUT_VALUE.stream().anyMatch(picocliMessage::startsWith) && m.getMissing().get(0) instanceof OptionSpec o) {
            return o.longestName() + " needs a value (" + o.paramLabel() + ")";
        }
        List<String> missing = new ArrayList<>();
        for (ArgSpec a : m.getMissing()) {
            missing.add(a instanceof OptionSpec o ? o.longestName() + (o.arity().max() > 0 ? " " + o.paramLabel() : "")
                    : a.paramLabel());
        }
        return "missing " + String.join(", ", missing);
    }

    private static List<String> optionNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                names.addAll(List.of(o.names()));
            }
        }
        return names;
    }

    private static List<String> commandNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        spec.subcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        return names;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
