package io.loomtunnel.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.natlab.WatchedProcess;
import java.io.Closeable;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/package's tarball and .deb on this machine, as a user gets them: the tarball runs from
 * wherever it is unpacked without a JDK; the .deb installs with dpkg, runs (a real tunnel on
 * loopback), puts completion, man pages and systemd units where bash, zsh, man and systemd find
 * them, upgrades and is removed without a trace. It installs packages, so it runs as root only
 * and never on a machine that has loomtunnel installed; scripts/test as root sets
 * {@value #REQUIRED_ENV}=1, and then a machine that cannot run it fails the test instead of
 * skipping it (docs/TESTING.md, "Packages").
 */
@ResourceLock("loomtunnel.dpkg") // installs and removes the .deb; no other IT uses an installed loomtunnel
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PackagesIT {
    static final String REQUIRED_ENV = "LOOMTUNNEL_PACKAGE_REQUIRED";
    private static final Duration QUICK = Duration.ofSeconds(60);
    private static final Duration START = Duration.ofSeconds(60);
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String TOKEN = "package-it-token-0123456789";

    private static Path tarball;
    private static Path deb;
    private static String version;
    private static String debVersion;

    @BeforeAll
    static void makePackages() throws Exception {
        String reason = unavailable();
        if (reason != null) {
            if ("1".equals(System.getenv(REQUIRED_ENV))) {
                fail("package test required (" + REQUIRED_ENV + "=1) but it cannot run here: " + reason);
            }
            Assumptions.abort("package test skipped: " + reason);
        }
        // Without the AOT cache's training run (about a minute of the suite's 15): what is tested here is
        // the packages, which start with or without the cache; scripts/package alone makes one.
        Result made = run(Duration.ofMinutes(8), Map.of("LOOMTUNNEL_AOT", "off"), ROOT.resolve("scripts/package").toString());
        assertEquals(0, made.exit(), "scripts/package failed:\n" + made.output());
        try (Stream<Path> dist = Files.list(ROOT.resolve("target/dist"))) {
            for (Path p : dist.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith("-linux-x64.tar.gz")) {
                    tarball = p;
                    version = name.substring("loomtunnel-".length(), name.length() - "-linux-x64.tar.gz".length());
                } else if (name.endsWith("_amd64.deb")) {
                    deb = p;
                    debVersion = name.substring("loomtunnel_".length(), name.length() - "_amd64.deb".length());
                }
            }
        }
        assertTrue(tarball != null && deb != null, "scripts/package made a tarball and a .deb:\n" + made.output());
    }

    @Test
    void tarballRunsWithoutAJdkAndCompletesAndDocumentsTheCommands(@TempDir Path dir) throws Exception {
        ok(run(QUICK, Map.of(), "tar", "-xzf", tarball.toString(), "-C", dir.toString()));
        Path home = dir.resolve("loomtunnel-" + version + "-linux-x64");
        assertTrue(Files.isRegularFile(home.resolve("lib/runtime/release")), "the jlink runtime is inside");
        assertFalse(Files.exists(home.resolve("lib/runtime/include")), "stripped: no header files");
        Result v = ok(run(QUICK, Map.of(), home.resolve("bin/loomtunnel").toString(), "--version"));
        assertTrue(v.output().contains("loomtunnel/" + version), v.output());

        String bash = home.resolve("share/bash-completion/completions/loomtunnel").toString();
        List<String> commands = bashComplete(bash, "loomtunnel", "");
        assertTrue(commands.containsAll(List.of("server", "client", "keygen", "status")), "subcommands: " + commands);
        assertEquals(List.of("server"), bashComplete(bash, "loomtunnel", "serv"));
        assertEquals(List.of("--tokens-file"), bashComplete(bash, "loomtunnel", "server", "--tok"));
        for (String command : commands) {
            assertTrue(Files.exists(home.resolve("share/man/man1/loomtunnel-" + command + ".1.gz")), "a man page for " + command);
        }
        Result page = ok(run(QUICK, Map.of(), "man", "-l", home.resolve("share/man/man1/loomtunnel-server.1.gz").toString()));
        assertTrue(page.output().contains("--tokens-file") && page.output().contains("LOOMTUNNEL-SERVER(1)"), page.output());
    }

    @Test
    void debInstallsRunsUpgradesAndRemovesCleanly(@TempDir Path dir) throws Exception {
        try {
            ok(run(START, Map.of(), "dpkg", "-i", deb.toString()));
            assertEquals(debVersion, installedVersion());
            Result v = ok(run(QUICK, Map.of(), "loomtunnel", "--version"));
            assertTrue(v.output().contains("loomtunnel/" + version), v.output());
            keygenAndTunnelAsTheUnitsRunIt(dir);
            foundWhereToolsLook();
            unitsVerifyAndAreNotEnabled();

            Path newer = rebuiltAs(deb, debVersion + "+upgrade1", dir.resolve("upgrade"));
            ok(run(START, Map.of(), "dpkg", "-i", newer.toString()));
            assertEquals(debVersion + "+upgrade1", installedVersion(), "upgraded");
            ok(run(QUICK, Map.of(), "loomtunnel", "--version"));

            List<Path> files = ok(run(QUICK, Map.of(), "dpkg", "-L", "loomtunnel")).output().lines()
                    .map(Path::of).filter(Files::isRegularFile).toList();
            assertTrue(files.contains(Path.of("/usr/bin/loomtunnel")), "dpkg owns the launcher");
            ok(run(START, Map.of(), "dpkg", "-r", "loomtunnel"));
            assertEquals(List.of(), files.stream().filter(Files::exists).toList(), "files left after dpkg -r");
            ok(run(START, Map.of(), "dpkg", "--purge", "loomtunnel"));
            assertEquals("", installedVersion(), "purged");
        } finally {
            if (!installedVersion().isEmpty()) {
                run(START, Map.of(), "dpkg", "--purge", "loomtunnel");
            }
        }
    }

    /**
     * The installed command makes a key, and a server and a client started with the ExecStart
     * lines of the installed units (systemd's directories and credentials replaced by temporary
     * ones, configured as docs/INSTALL.md says) carry a TCP tunnel on loopback.
     */
    private static void keygenAndTunnelAsTheUnitsRunIt(Path dir) throws Exception {
        Result key = ok(run(QUICK, Map.of(), "loomtunnel", "keygen", "--out", dir.resolve("k.key").toString()));
        assertTrue(key.output().matches("(?s).*[a-z2-7]{52}.*"), "keygen prints the id: " + key.output());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key"))));

        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.writeString(etc.resolve("server.toml"), "bind = \"127.0.0.1:0\"\n");
        int[] echo = new int[1];
        try (Closeable e = EchoServers.tcp(echo);
             Installed server = Installed.unit("loomtunnel-server.service", "", etc, dir.resolve("server"), TOKEN + "\n")) {
            String id = server.await("server id\\s+([a-z2-7]{52})", START).group(1);
            String control = server.await("control\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1);
            Files.writeString(etc.resolve("client-it.toml"), "server = \"127.0.0.1:" + control + "\"\nserver_id = \"" + id + "\"\n"
                    + "[[tunnels]]\nname = \"echo\"\ntype = \"tcp\"\nlocal = \"127.0.0.1:" + echo[0] + "\"\n");
            try (Installed client = Installed.unit("loomtunnel-client@.service", "it", etc, dir.resolve("client"), TOKEN + "\n")) {
                int port = Integer.parseInt(client.await("tcp\\s+echo\\s+\\S+:(\\d+)", START).group(1));
                byte[] data = new byte[1 << 20];
                new Random(12).nextBytes(data);
                assertArrayEquals(data, Probes.roundTrip(port, data), "1 MiB through the installed server and client");
            }
        }
    }

    /** bash-completion's loader, zsh's completion system and man find what the package installed. */
    private static void foundWhereToolsLook() throws Exception {
        Result bash = ok(run(QUICK, Map.of(), "bash", "-c",
                "source /usr/share/bash-completion/bash_completion && __load_completion loomtunnel && complete -p loomtunnel"));
        assertTrue(bash.output().contains("-F _complete_loomtunnel"), "bash-completion loads it on demand: " + bash.output());
        Result zsh = ok(run(QUICK, Map.of(), "zsh", "-f", resource("zsh-tab.zsh").toString()));
        assertTrue(zsh.output().contains("loomtunnel server --tokens-file"), "zsh completes --tok<TAB>: " + zsh.output());
        assertEquals("/usr/share/man/man1/loomtunnel-client.1.gz", ok(run(QUICK, Map.of(), "man", "-w", "loomtunnel-client")).output().strip());
        Result page = ok(run(QUICK, Map.of("MANWIDTH", "100"), "man", "loomtunnel-client"));
        assertTrue(page.output().contains("--server-id"), page.output());
        assertTrue(ok(run(QUICK, Map.of(), "dpkg", "-S", "/usr/share/zsh/vendor-completions/_loomtunnel")).output().startsWith("loomtunnel:"));
    }

    /** systemd-analyze accepts both units (it also checks that ExecStart's binary and the man pages exist); neither is enabled. */
    private static void unitsVerifyAndAreNotEnabled() throws Exception {
        Result verify = ok(run(QUICK, Map.of(), "systemd-analyze", "verify", "loomtunnel-server.service", "loomtunnel-client@.service"));
        assertEquals("", verify.output().strip(), "systemd-analyze verify has no complaint");
        for (String unit : List.of("loomtunnel-server.service", "loomtunnel-client@.service")) {
            // Exposure 0 (locked down) to 10 (unsandboxed); --threshold is in tenths.
            ok(run(QUICK, Map.of(), "systemd-analyze", "security", "--offline=yes", "--threshold=30", "/usr/lib/systemd/system/" + unit));
        }
        Result wants = run(QUICK, Map.of(), "bash", "-c", "ls /etc/systemd/system/*.wants/ 2>/dev/null | grep loomtunnel");
        assertEquals("", wants.output().strip(), "no unit enabled by the package");
    }

    /** The same package with another version, for an upgrade (uncompressed: quick to build and install). */
    private static Path rebuiltAs(Path deb, String newVersion, Path dir) throws Exception {
        Path tree = Files.createDirectories(dir).resolve("tree");
        ok(run(QUICK, Map.of(), "dpkg-deb", "-R", deb.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + newVersion));
        Path out = dir.resolve("loomtunnel_" + newVersion + "_amd64.deb");
        ok(run(START, Map.of(), "dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(), out.toString()));
        return out;
    }

    /** The installed package's version, or "" when it is not installed. */
    private static String installedVersion() throws Exception {
        Result r = run(QUICK, Map.of(), "dpkg-query", "-W", "-f", "${Status}|${Version}", "loomtunnel");
        return r.exit() == 0 && r.output().startsWith("install ok installed|") ? r.output().substring(r.output().indexOf('|') + 1) : "";
    }

    /** What the completion function (sourced from {@code script} into bash) offers for the last of {@code words}. */
    private static List<String> bashComplete(String script, String... words) throws Exception {
        StringBuilder quoted = new StringBuilder();
        for (String w : words) {
            quoted.append(" '").append(w).append('\'');
        }
        String program = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + quoted + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}; _complete_loomtunnel 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
        return ok(run(QUICK, Map.of(), "bash", "-c", program)).output().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    /** Null when this machine can run the test; otherwise why not. */
    private static String unavailable() throws Exception {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[2]).findFirst().orElse("unknown");
        if (!uid.equals("0")) {
            return "installs a .deb, so it needs root (effective uid " + uid + ")";
        }
        for (String tool : List.of("dpkg", "dpkg-deb", "fakeroot", "systemd-analyze", "man", "zsh")) {
            if (run(QUICK, Map.of(), "bash", "-c", "command -v " + tool).exit() != 0) {
                return tool + " is missing (scripts/test installs what the test drives)";
            }
        }
        if (!Files.exists(Path.of("/usr/share/bash-completion/bash_completion"))) {
            return "bash-completion is missing (apt-get install bash-completion)";
        }
        if (!installedVersion().isEmpty()) {
            return "loomtunnel " + installedVersion() + " is installed here, and the test would replace and remove it";
        }
        return null;
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(PackagesIT.class.getResource(name).toURI());
    }

    private static void secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    record Result(int exit, String output) {}

    private static Result ok(Result r) {
        assertEquals(0, r.exit(), r.output());
        return r;
    }

    /** Runs a command to its end (killed after {@code timeout}), output and errors merged, without a JDK or LOOMTUNNEL_* in its environment. */
    private static Result run(Duration timeout, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(ROOT.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("LOOMTUNNEL_"));
        pb.environment().putAll(cleanEnvironment(env));
        Process p = pb.start();
        p.getOutputStream().close();
        AtomicReference<String> out = new AtomicReference<>("");
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.set(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.set("(output lost: " + e.getMessage() + ")");
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(10));
            return new Result(-1, "`" + String.join(" ", command) + "` timed out after " + timeout + ": " + out.get());
        }
        reader.join(Duration.ofSeconds(30));
        return new Result(p.exitValue(), out.get());
    }

    /** The test JVM's environment less JAVA_HOME and LOOMTUNNEL_*, with a plain PATH: the packages bring their own Java. */
    private static Map<String, String> cleanEnvironment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("JAVA_HOME", "");
        env.putAll(extra);
        return env;
    }

    /** The installed {@code loomtunnel} running as a process the test watches. */
    private static final class Installed extends WatchedProcess {
        private Installed(Process p) {
            super("installed-" + p.pid(), p);
        }

        /**
         * Runs the ExecStart line of the installed {@code unit} (instance {@code instance} of a
         * template) as systemd would, with {@code config} as its configuration directory, a state
         * directory and a credentials directory under {@code home}, and {@code secret} as the one
         * credential the unit loads.
         */
        static Installed unit(String unit, String instance, Path config, Path home, String secret) throws IOException {
            String text = Files.readString(Path.of("/usr/lib/systemd/system", unit));
            Path state = Files.createDirectories(home.resolve("state"));
            Path credentials = Files.createDirectories(home.resolve("credentials"));
            Matcher credential = Pattern.compile("(?m)^LoadCredential=([^:]+):").matcher(text);
            assertTrue(credential.find(), unit + " loads a credential");
            secret(credentials.resolve(credential.group(1)), secret);
            Matcher exec = Pattern.compile("(?m)^ExecStart=(.+)$").matcher(text);
            assertTrue(exec.find(), unit + " has ExecStart");
            String line = exec.group(1).replace("${CONFIGURATION_DIRECTORY}", config.toString())
                    .replace("${STATE_DIRECTORY}", state.toString()).replace("${CREDENTIALS_DIRECTORY}", credentials.toString())
                    .replace("%i", instance);
            assertFalse(line.contains("$") || line.contains("%") || line.contains("\""), "only what the test replaces: " + line);
            return new Installed(launch(List.of(line.split(" +")), cleanEnvironment(Map.of())));
        }
    }
}
