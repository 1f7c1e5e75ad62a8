package io.loomtunnel.internal.cli;

import java.security.SecureRandom;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Random host names people can read and say, like {@code calm-otter-k7q2}, for an HTTP tunnel
 * without {@code --host}: two words and four letters or digits, about 30 bits, so two users of one
 * server rarely draw the same name and nobody guesses a running one.
 */
final class ReadableNames {
    private static final List<String> ADJECTIVES = List.of(
            "amber", "brave", "bright", "calm", "clever", "cosy", "crisp", "eager",
            "fancy", "gentle", "golden", "happy", "jolly", "kind", "lively", "lucky",
            "merry", "mighty", "neat", "noble", "proud", "quick", "quiet", "rapid",
            "shiny", "silver", "smart", "snowy", "sunny", "swift", "tidy", "witty");
    private static final List<String> NOUNS = List.of(
            "badger", "beaver", "bison", "canyon", "cedar", "comet", "coral", "delta",
            "falcon", "fern", "fjord", "gecko", "harbor", "heron", "island", "lagoon",
            "lynx", "maple", "meadow", "nebula", "otter", "panda", "pebble", "pine",
            "puffin", "raven", "river", "robin", "summit", "tiger", "walrus", "willow");
    /** No 0/o, 1/l: the suffix is read aloud and typed. */
    private static final String SUFFIX = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final RandomGenerator RANDOM = new SecureRandom();

    private ReadableNames() {}

    static String next() {
        return next(RANDOM);
    }

    static String next(RandomGenerator random) {
        StringBuilder name = new StringBuilder()
                .append(ADJECTIVES.get(random.nextInt(ADJECTIVES.size()))).append('-')
                .append(NOUNS.get(random.nextInt(NOUNS.size()))).append('-');
        for (int i = 0; i < 4; i++) {
            name.append(SUFFIX.charAt(random.nextInt(SUFFIX.length())));
        }
        return name.toString();
    }
}
