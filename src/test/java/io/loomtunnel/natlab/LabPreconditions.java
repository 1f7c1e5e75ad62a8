package io.loomtunnel.natlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can host a lab: root, iproute2 and iptables, and a kernel that lets us add
 * a namespace and load NAT rules into it. Checked once per JVM. Without them the lab's tests are
 * skipped with the reason, unless {@code LOOMTUNNEL_NATLAB_REQUIRED=1} (scripts/test sets it when
 * it runs as root), where they fail: a CI that can run the lab must not skip it silently.
 */
final class LabPreconditions {
    static final String REQUIRED_ENV = "LOOMTUNNEL_NATLAB_REQUIRED";
    private static String unavailable; // guarded by LabPreconditions.class; null while unchecked or fine
    private static boolean checked; // guarded by LabPreconditions.class

    private LabPreconditions() {}

    /** Skips the calling test (or fails it, when required) unless the lab can run here. */
    static void assume() {
        String reason = reasonUnavailable();
        if (reason == null) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRED_ENV))) {
            throw new LabException("NAT lab required (" + REQUIRED_ENV + "=1) but unavailable: " + reason);
        }
        Assumptions.abort("NAT lab skipped: " + reason);
    }

    /** Null when the lab can run; otherwise one line saying why not. */
    static synchronized String reasonUnavailable() {
        if (!checked) {
            unavailable = check();
            checked = true;
        }
        return unavailable;
    }

    private static String check() {
        String uid = effectiveUid();
        if (!"0".equals(uid)) {
            return "needs root for network namespaces (effective uid " + uid + ")";
        }
        for (List<String> version : List.of(List.of("ip", "-V"), List.of("iptables", "-V"))) {
            if (!Commands.attempt(version).ok()) {
                return "`" + version.get(0) + "` is missing (apt-get install iproute2 iptables)";
            }
        }
        String probe = LabNames.newLabPrefix() + "probe";
        Commands.Result add = Commands.attempt(List.of("ip", "netns", "add", probe));
        if (!add.ok()) {
            return "`ip netns add` failed (no CAP_NET_ADMIN?): " + add.output();
        }
        try {
            Commands.Result nat = Commands.attempt(new Namespace(probe).inside(
                    List.of("iptables", "-w", "-t", "nat", "-A", "POSTROUTING", "-j", "MASQUERADE", "--random-fully")));
            return nat.ok() ? null : "iptables cannot load a MASQUERADE rule in a namespace: " + nat.output();
        } finally {
            new Namespace(probe).destroy();
        }
    }

    /** The effective uid from /proc (the JDK has no getuid). */
    private static String effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2];
                }
            }
            return "unknown";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
