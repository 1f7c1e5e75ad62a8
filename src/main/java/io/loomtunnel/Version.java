package io.loomtunnel;

/** The software's name and version, as sent in hello messages and printed by --version. */
public final class Version {
    /** For example {@code loomtunnel/0.1.0}; "dev" when run from classes rather than the jar. */
    public static final String SOFTWARE = "loomtunnel/" + implementationVersion();

    private Version() {}

    private static String implementationVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
