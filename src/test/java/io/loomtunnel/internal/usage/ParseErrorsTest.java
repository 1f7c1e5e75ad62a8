package io.loomtunnel.internal.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Picocli's parse errors as one short clause, with "did you mean" from picocli or, where it has none, from the edit distance. */
class ParseErrorsTest {
    @Command(name = "tool", subcommands = {Client.class, Connect.class, Open.class})
    static final class Tool {}

    @Command(name = "client")
    static final class Client {
        @Option(names = "--tcp", paramLabel = "SPEC") List<String> tcp;
        @Option(names = "--udp", paramLabel = "SPEC") List<String> udp;
        @Option(names = "--server", paramLabel = "HOST:PORT") String server;
        @Option(names = "--server-id", paramLabel = "ID") String serverId;
        @Option(names = "--key", required = true, paramLabel = "FILE") String key;
        @Option(names = "--port", paramLabel = "PORT") int port;
        @Option(names = "--quiet") boolean quiet;
    }

    @Command(name = "connect")
    static final class Connect {}

    @Command(name = "open")
    static final class Open {
        @Parameters(index = "0", paramLabel = "TYPE") String type;
        @Parameters(index = "1", paramLabel = "SPEC") String spec;
    }

    private static String error(String... args) {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> new CommandLine(new Tool()).parseArgs(args));
        return ParseErrors.message(e);
    }

    @Test
    void aSwapOfTwoLettersIsSuggestedWherePicocliFindsNothing() {
        assertEquals("unknown option --tpc (did you mean --tcp?)", error("client", "--key", "k", "--tpc", "1:2:3"));
        assertEquals("unknown option --tpc (did you mean --tcp?)", error("client", "--key", "k", "--tpc=1:2:3"));
    }

    @Test
    void picocliSuggestionsThatAreCloseNearestFirst() {
        assertEquals("unknown option --sever (did you mean --server?)", error("client", "--key", "k", "--sever", "x"));
        assertEquals("unknown option --serv (did you mean --server or --server-id?)", error("client", "--key", "k", "--serv", "x"));
        assertEquals("unknown option --qiuet (did you mean --quiet?)", error("client", "--key", "k", "--qiuet"));
    }

    @Test
    void farOrShortWordsGetNoGuess() {
        assertEquals("unknown option --verbose", error("client", "--key", "k", "--verbose"));
        assertEquals("unknown option -x", error("client", "--key", "k", "-x"));
    }

    @Test
    void unknownCommandsAndExtraArguments() {
        assertEquals("unknown command 'clinet' (did you mean client?)", error("clinet"));
        assertEquals("unknown command 'conn' (did you mean connect?)", error("conn"));
        assertEquals("unknown command 'opn' (did you mean open?)", error("opn"));
        assertEquals("unknown command 'frobnicate'", error("frobnicate"));
        assertEquals("unexpected argument 'extra'", error("open", "tcp", "spec", "extra"));
    }

    @Test
    void missingOptionsValuesAndParameters() {
        assertEquals("missing --key FILE", error("client"));
        assertEquals("--server needs a value (HOST:PORT)", error("client", "--key", "k", "--server"));
        assertEquals("--server needs a value (HOST:PORT)", error("client", "--key", "k", "--server", "--tcp", "x"));
        assertEquals("missing SPEC", error("open", "tcp"));
    }

    @Test
    void badValuesNameTheOption() {
        assertEquals("bad value for --port: 'x' is not an int", error("client", "--key", "k", "--port", "x"));
    }

    @Test
    void picocliHelpCommandsUnknownName() {
        CommandLine tool = new CommandLine(new Tool());
        assertEquals("unknown command 'clent' (did you mean client?)",
                ParseErrors.message(new CommandLine.ParameterException(tool, "Unknown subcommand 'clent'.")));
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        assertEquals(1, Suggestions.distance("tpc", "tcp"));
        assertEquals(1, Suggestions.distance("opn", "open"));
        assertEquals(2, Suggestions.distance("htp", "tcp"));
        assertEquals(0, Suggestions.distance("", ""));
        assertEquals(3, Suggestions.distance("", "tcp"));
        assertEquals(List.of("--tcp"), Suggestions.close("--TCP", List.of("--tcp", "--udp")), "case does not matter");
    }
}
