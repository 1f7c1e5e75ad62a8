package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts the relays under test in front of the echo service: each returns the port the load generator uses. */
final class Peers {
    static final String RAW = "raw TCP";
    static final String LOOMTUNNEL = "loomtunnel";
    static final String SOCAT = "socat";
    static final String SSH_L = "ssh -L";
    static final String SSH_R = "ssh -R";
    static final String SSHD = "/usr/sbin/sshd";
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TOKEN = "bench-e2e-token-0123456789";

    private final Procs procs;
    private final Path dir;
    private final int echoPort;
    private final Path loomtunnelJar;
    private int sshdPort; // 0 until sshd runs: ssh -L and -R share it

    Peers(Procs procs, Path dir, int echoPort, Path loomtunnelJar) {
        this.procs = procs;
        this.dir = dir;
        this.echoPort = echoPort;
        this.loomtunnelJar = loomtunnelJar;
    }

    /** A relay's set-up; throws with the reason when the peer cannot run here. */
    interface Setup {
        int start() throws Exception;
    }

    /** Column order of the report: the baseline, the product, then its peers. */
    List<String> names() {
        return List.of(RAW, LOOMTUNNEL, SOCAT, SSH_L, SSH_R);
    }

    Setup setup(String name) {
        return switch (name) {
            case RAW -> () -> echoPort;
            case LOOMTUNNEL -> this::loomtunnel;
            case SOCAT -> this::socat;
            case SSH_L -> () -> ssh("-L");
            case SSH_R -> () -> ssh("-R");
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A server and a client from the fat jar; the client's TCP tunnel ends at the echo service. */
    private int loomtunnel() throws Exception {
        Path tokens = secret("tokens.txt", TOKEN + "\n");
        Proc server = procs.start("loomtunnel server", dir, List.of(Procs.javaBinary(), "-jar", loomtunnelJar.toString(),
                "server", "--bind", "127.0.0.1:0", "--key", dir.resolve("server.key").toString(),
                "--tokens-file", tokens.toString()));
        String id = server.await("server id\\s+([a-z2-7]{52})", START).group(1);
        String control = server.await("control\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1);
        Proc client = procs.start("loomtunnel client", dir, List.of(Procs.javaBinary(), "-jar", loomtunnelJar.toString(),
                "client", "--server", "127.0.0.1:" + control, "--server-id", id,
                "--token-file", secret("token.txt", TOKEN + "\n").toString(), "--tcp", "0:127.0.0.1:" + echoPort));
        return Integer.parseInt(client.await("tcp\\s+\\S+\\s+localhost:(\\d+)", START).group(1));
    }

    private int socat() throws Exception {
        requireCommand("socat");
        int port = freePort();
        procs.start(SOCAT, dir, List.of("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,reuseaddr,fork",
                "TCP:127.0.0.1:" + echoPort)).awaitListening(port, START);
        return port;
    }

    /** {@code ssh -L} or {@code -R} as root to a throw-away sshd on loopback, with keys made for this run. */
    private int ssh(String flag) throws Exception {
        requireCommand("ssh");
        if (sshdPort == 0) {
            sshdPort = sshd();
        }
        int port = freePort();
        Proc ssh = procs.start("ssh " + flag, dir, List.of("ssh", "-F", "/dev/null", "-N", "-i", dir.resolve("user").toString(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "ExitOnForwardFailure=yes", "-o", "LogLevel=ERROR", "-p", String.valueOf(sshdPort),
                flag, "127.0.0.1:" + port + ":127.0.0.1:" + echoPort, "root@127.0.0.1"));
        ssh.awaitListening(port, START);
        return port;
    }

    private int sshd() throws Exception {
        if (!Files.isExecutable(Path.of(SSHD))) {
            throw new IOException(SSHD + " not found (Debian package openssh-server)");
        }
        requireCommand("ssh-keygen");
        for (String key : List.of("host", "user")) {
            Proc keygen = procs.start("ssh-keygen", dir, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                    "-f", dir.resolve(key).toString()));
            keygen.finish(START);
        }
        // sshd refuses to start without its privilege separation directory, which only its service unit creates
        Files.createDirectories(Path.of("/run/sshd"));
        int port = freePort();
        Path config = dir.resolve("sshd_config");
        Files.write(config, List.of("Port " + port, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host"),
                "AuthorizedKeysFile " + dir.resolve("user.pub"), "PidFile " + dir.resolve("sshd.pid"),
                "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
                "AllowTcpForwarding yes", "MaxStartups 200"));
        procs.start("sshd", dir, List.of(SSHD, "-D", "-e", "-f", config.toString())).awaitListening(port, START);
        return port;
    }

    /** Versions of the peers for the record: first output line of each tool's version flag. */
    List<String> versions() {
        List<String> versions = new ArrayList<>();
        for (List<String> command : List.of(List.of("socat", "-V"), List.of("ssh", "-V"),
                List.of(Procs.javaBinary(), "-jar", loomtunnelJar.toString(), "--version"))) {
            try {
                List<String> out = procs.start(command.get(0), dir, command).finish(Duration.ofSeconds(30));
                out.stream().filter(l -> l.matches("(?i).*(version|openssh|loomtunnel).*")).findFirst()
                        .ifPresent(versions::add);
            } catch (Exception e) {
                versions.add(command.get(0) + ": " + e.getMessage());
            }
        }
        return versions;
    }

    private Path secret(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void requireCommand(String command) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return;
            }
        }
        throw new IOException(command + " not found on PATH (scripts/bench-e2e installs it when run as root)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, Echo.LOOPBACK)) {
            return probe.getLocalPort();
        }
    }
}
