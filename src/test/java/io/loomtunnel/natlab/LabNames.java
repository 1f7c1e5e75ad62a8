package io.loomtunnel.natlab;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of a lab's namespaces: {@code ltnat-<pid>-<4 hex>-<role>}, where pid is the JVM that made
 * them. The marker prefix {@code ltnat-} is ours alone, so only our namespaces are ever removed;
 * the pid and random part keep parallel labs (in one JVM or several) apart; a namespace whose pid
 * is no longer alive is a crashed run's leftover. Interface names never carry the prefix: they
 * live inside the namespaces (wan, lan, eth0, ...), so the 15-character limit is never near.
 */
final class LabNames {
    static final String MARKER = "ltnat-";
    private static final Pattern OURS = Pattern.compile("^" + MARKER + "(\\d+)-[0-9a-f]{4}-[a-z0-9]+$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private LabNames() {}

    /** A fresh prefix for one lab: {@code ltnat-<pid>-<4 hex>-}. */
    static String newLabPrefix() {
        byte[] b = new byte[2];
        RANDOM.nextBytes(b);
        return MARKER + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(b) + "-";
    }

    /** Every namespace name on the machine ({@code ip netns list} prints "name (id: N)" or just "name"). */
    static List<String> allNamespaces() {
        List<String> names = new ArrayList<>();
        for (String line : Commands.run(List.of("ip", "netns", "list")).split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    /** Our namespaces (any lab's, live or stale) whose names start with {@code prefix}. */
    static List<String> namespacesStartingWith(String prefix) {
        return allNamespaces().stream().filter(n -> n.startsWith(prefix) && OURS.matcher(n).matches()).toList();
    }

    /** Deletes the namespaces that crashed lab runs left behind: ours, made by a JVM that is gone. */
    static void removeStale() {
        for (String name : namespacesStartingWith(MARKER)) {
            Matcher m = OURS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                new Namespace(name).destroy();
            }
        }
    }
}
