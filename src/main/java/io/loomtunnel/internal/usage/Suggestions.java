package io.loomtunnel.internal.usage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * "Did you mean": the names a mistyped word most likely meant. Picocli's suggestions are used
 * where they are close: names the word begins ({@code --token} for {@code --token-file}) or a
 * few edits away; picocli offers options only by their first two letters, though ({@code --tpc}
 * found no {@code --tcp}), and commands by letter pairs in common (it offered {@code help} for
 * {@code tunels}), so the names nearest by edits (a swap of two neighbouring letters is one
 * edit) are added.
 */
final class Suggestions {
    /** At most this many names are offered. */
    static final int MAX = 3;

    private Suggestions() {}

    /**
     * @param word what was typed, e.g. {@code --tpc} or {@code opn}
     * @param fromPicocli picocli's suggestions for it (may be empty)
     * @param names every name the word could have meant (visible options or commands)
     */
    static List<String> of(String word, List<String> fromPicocli, Collection<String> names) {
        String w = bare(word);
        Set<String> pool = new LinkedHashSet<>();
        for (String s : fromPicocli) {
            if (bare(s).startsWith(w) || distance(w, bare(s)) <= limit(w)) {
                pool.add(s);
            }
        }
        pool.addAll(close(word, names));
        List<String> ranked = new ArrayList<>(pool);
        ranked.sort(Comparator.comparingInt((String n) -> distance(w, bare(n))));
        return List.copyOf(ranked.subList(0, Math.min(MAX, ranked.size())));
    }

    /** The names nearest to {@code word} by edits, if within {@link #limit}. */
    static List<String> close(String word, Collection<String> names) {
        String w = bare(word);
        int limit = limit(w);
        int best = Integer.MAX_VALUE;
        List<String> nearest = new ArrayList<>();
        for (String name : names) {
            int d = distance(w, bare(name));
            if (d > limit || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                nearest.clear();
            }
            nearest.add(name);
        }
        return nearest;
    }

    /** Edits a word may be off by: one for three or four letters, two from five on; none below (any short name is an edit away). */
    private static int limit(String bareWord) {
        return bareWord.length() <= 2 ? 0 : bareWord.length() <= 4 ? 1 : 2;
    }

    /** " (did you mean --tcp?)", " (did you mean client or connect?)", or nothing. */
    static String didYouMean(List<String> suggestions) {
        if (suggestions.isEmpty()) {
            return "";
        }
        int last = suggestions.size() - 1;
        String list = last == 0 ? suggestions.get(0)
                : String.join(", ", suggestions.subList(0, last)) + " or " + suggestions.get(last);
        return " (did you mean " + list + "?)";
    }

    /** A name without its leading dashes, lower case. */
    private static String bare(String name) {
        int i = 0;
        while (i < name.length() && name.charAt(i) == '-') {
            i++;
        }
        return name.substring(i).toLowerCase(java.util.Locale.ROOT);
    }

    /** Edits (insert, delete, replace, swap two neighbours) from a to b: the optimal string alignment distance. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
