package io.loomtunnel.internal.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * The fat jar's Main-Class: compiled for Java 8 (pom.xml, execution "launcher") so that an older
 * Java says in one line which Java loomtunnel needs (exit 2, as for a bad setup) instead of
 * failing with UnsupportedClassVersionError; on Java 21 or newer it runs {@link Main}.
 *
 * <p>It uses only what Java 8 has: the version from {@code java.specification.version}
 * ("1.8", "17", "21"), and {@link Main} through reflection, whose class needs Java 21 to load.
 */
public final class Launcher {
    /** The oldest Java that runs loomtunnel (scripts/lib.sh has the same). */
    static final int MIN_JAVA = 21;
    /** {@link ExitCode#USAGE}, written out: this class is compiled without the others. */
    private static final int TOO_OLD = 2;

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version", ""));
        if (feature < MIN_JAVA) {
            System.err.println("loomtunnel: needs Java " + MIN_JAVA + " or newer, but runs on Java "
                    + System.getProperty("java.version") + " (" + System.getProperty("java.home")
                    + "); run it with a newer java or set JAVA_HOME (scripts/loomtunnel finds one)");
            System.exit(TOO_OLD);
        }
        try {
            Class.forName("io.loomtunnel.internal.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The feature release in a specification version: 8 for "1.8", 17 for "17"; when unreadable, MIN_JAVA (try to run). */
    static int feature(String specification) {
        String s = specification.startsWith("1.") ? specification.substring(2) : specification;
        int dot = s.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return MIN_JAVA;
        }
    }
}
