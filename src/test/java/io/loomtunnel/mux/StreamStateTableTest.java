package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.mux.StreamState.Event;
import io.loomtunnel.mux.StreamState.Sent;
import io.loomtunnel.mux.StreamState.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The stream states of docs/protocol/SESSION.md 3.2 are {@link StreamState}'s: the same names in
 * the same order, and the same transitions, row for row (next state and frame sent).
 */
class StreamStateTableTest {
    private static final Path SPEC = Path.of("docs/protocol/SESSION.md");
    private static final String ANY_BUT = "any state but ";

    @Test
    void theDocNamesTheStatesOfTheCode() throws IOException {
        List<String> documented = tableRows("| state | meaning |").stream().map(r -> unquote(r.get(0))).toList();
        assertEquals(Arrays.stream(StreamState.values()).map(Enum::name).toList(), documented);
    }

    @Test
    void theDocListsEveryTransitionOfTheCode() throws IOException {
        Set<String> documented = new TreeSet<>();
        for (List<String> row : tableRows("| state | event | next state | frame sent |")) {
            for (StreamState from : states(row.get(0))) {
                String next = row.get(2).equals("(same)") ? from.name() : unquote(row.get(2));
                assertTrue(documented.add(describe(from.name(), unquote(row.get(1)), next, row.get(3))),
                        "listed twice: " + from + " on " + row.get(1));
            }
        }
        Set<String> coded = new TreeSet<>();
        for (StreamState from : StreamState.values()) {
            for (Event e : Event.values()) {
                Transition t = from.on(e);
                assertEquals(from, t.from());
                assertEquals(e, t.event());
                if (t.changes() || t.sent() != Sent.NOTHING) {
                    coded.add(describe(from.name(), e.label, t.to().name(), t.sent().label));
                }
            }
        }
        assertEquals(String.join("\n", coded), String.join("\n", documented));
    }

    @Test
    void everyStateButTheFirstTwoCanBeReachedAndOnlyTheGoneOnesAreOutOfTheTable() {
        Set<StreamState> reached = EnumSet.of(StreamState.SYN_SENT, StreamState.SYN_RECEIVED);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (StreamState from : Set.copyOf(reached)) {
                for (Event e : Event.values()) {
                    grew |= reached.add(from.on(e).to());
                }
            }
        }
        assertEquals(EnumSet.allOf(StreamState.class), reached);
        assertEquals(EnumSet.of(StreamState.CLOSED, StreamState.RESET, StreamState.SESSION_CLOSED),
                Arrays.stream(StreamState.values()).filter(StreamState::isGone)
                        .collect(Collectors.toCollection(() -> EnumSet.noneOf(StreamState.class))));
    }

    private static String describe(String from, String event, String to, String sent) {
        return from + " --" + event + "--> " + to + " sending " + sent;
    }

    /** The states of a first cell: a list of names, or "any state but" a list of names. */
    private static Set<StreamState> states(String cell) {
        boolean except = cell.startsWith(ANY_BUT);
        Set<StreamState> named = EnumSet.noneOf(StreamState.class);
        for (String name : (except ? cell.substring(ANY_BUT.length()) : cell).split(",")) {
            named.add(StreamState.valueOf(unquote(name.trim())));
        }
        return except ? EnumSet.complementOf((EnumSet<StreamState>) named) : named;
    }

    /** The body rows of the table whose header line is {@code header}, as trimmed cells. */
    private static List<List<String>> tableRows(String header) throws IOException {
        List<String> lines = Files.readAllLines(SPEC);
        int at = lines.indexOf(header);
        assertTrue(at >= 0, "no table headed " + header + " in " + SPEC);
        List<List<String>> rows = new ArrayList<>();
        for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            rows.add(Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::trim).toList());
        }
        return rows;
    }

    private static String unquote(String s) {
        return s.replace("`", "");
    }
}
