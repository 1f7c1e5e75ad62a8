package io.loomtunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Fails on any cycle among loomtunnel's own packages, read by jdeps from the compiled main classes
 * (the same reading as {@code ../shared/tools/package-cycles}). Packages are layered one way.
 */
class PackageCyclesTest {
    private static final String OURS = "io.loomtunnel";

    @Test
    void mainPackagesHaveNoCycle() {
        Map<String, Set<String>> edges = packageEdges(Path.of("target/classes"));
        assertFalse(edges.isEmpty(), "jdeps found no package of ours in target/classes");
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : stronglyConnected(edges)) {
            if (component.size() > 1) {
                List<String> closing = new ArrayList<>();
                for (String from : component) {
                    for (String to : edges.getOrDefault(from, Set.of())) {
                        if (component.contains(to)) {
                            closing.add(from + " -> " + to);
                        }
                    }
                }
                cycles.add(component + " through " + closing);
            }
        }
        assertEquals(List.of(), cycles, "package cycles");
    }

    /** Package -> the packages of ours it uses, from {@code jdeps -verbose:package}. */
    static Map<String, Set<String>> packageEdges(Path classes) {
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException("no " + classes + ": compile first");
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package", "-filter:none", classes.toString());
        if (code != 0) {
            throw new IllegalStateException("jdeps exited " + code + ": " + err);
        }
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            String[] p = line.trim().split("\\s+");
            if (p.length >= 3 && p[1].equals("->") && p[0].startsWith(OURS) && p[2].startsWith(OURS) && !p[0].equals(p[2])) {
                edges.computeIfAbsent(p[0], k -> new TreeSet<>()).add(p[2]);
            }
        }
        return edges;
    }

    /** Tarjan's strongly connected components (recursive: our graph has a few dozen packages). */
    static List<Set<String>> stronglyConnected(Map<String, Set<String>> edges) {
        Set<String> nodes = new TreeSet<>(edges.keySet());
        edges.values().forEach(nodes::addAll);
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] next = {0};
        for (String root : nodes) {
            if (!index.containsKey(root)) {
                visit(root, edges, index, low, stack, onStack, components, next);
            }
        }
        return components;
    }

    private static void visit(String v, Map<String, Set<String>> edges, Map<String, Integer> index, Map<String, Integer> low,
            Deque<String> stack, Set<String> onStack, List<Set<String>> components, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]);
        next[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                visit(w, edges, index, low, stack, onStack, components, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            components.add(component);
        }
    }

    @Test
    void findsACycleWhenThereIsOne() {
        Map<String, Set<String>> edges = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        List<Set<String>> big = stronglyConnected(edges).stream().filter(c -> c.size() > 1).toList();
        assertEquals(List.of(Set.of("a", "b", "c")), big);
    }
}
