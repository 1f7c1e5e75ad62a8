package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One set of relays in front of the services, every process of its own, all stopped at {@link #close}:
 * each peer relays every service it can (OpenSSH forwards no UDP). Each set has its own directory,
 * keys and sshd, so a scenario can start a fresh set and read the memory of its processes alone.
 */
final class Peers implements AutoCloseable {
    static final String RAW = "raw TCP";
    static final String LOOMTUNNEL = "loomtunnel";
    static final String SOCAT = "socat";
    static final String SSH_L = "ssh -L";
    static final String SSH_R = "ssh -R";
    /**
     * OpenSSH with AES-128-GCM, which AES-NI makes faster than its default chacha20-poly1305 on most
     * x86 machines: the targets are judged against whichever OpenSSH configuration does better.
     */
    static final String SSH_L_GCM = "ssh -L gcm";
    static final String SSH_R_GCM = "ssh -R gcm";
    static final String GCM_CIPHER = "aes128-gcm@openssh.com";
    /** Column order of the report: the baseline, the product, then its peers. */
    static final List<String> NAMES = List.of(RAW, LOOMTUNNEL, SOCAT, SSH_L, SSH_R, SSH_L_GCM, SSH_R_GCM);
    /** Every OpenSSH column, for the verdicts that compare with the best of them. */
    static final List<String> OPENSSH = List.of(SSH_L, SSH_R, SSH_L_GCM, SSH_R_GCM);
    static final String SSHD = "/usr/sbin/sshd";
    /** The HTTP tunnel's name: the server routes Host {@code bench.localhost} to it. */
    static final String HTTP_NAME = "bench";
    private static final Duration START = Loomtunnel.START;

    private final Procs procs = new Procs();
    private final Path dir;
    private final Map<Service, Integer> services;
    private final Loomtunnel loomtunnel;
    private Proc sshd; // null until started: ssh -L and -R share it
    private int sshdPort;

    /** Relays for {@code services} (service → its port); files go to a fresh directory under {@code parent}. */
    Peers(Path parent, Map<Service, Integer> services, Path jar, List<String> tunnelJvmOptions) throws IOException {
        this.dir = Files.createTempDirectory(parent, "relays");
        this.services = Map.copyOf(services);
        this.loomtunnel = new Loomtunnel(procs, dir, jar, tunnelJvmOptions);
    }

    /** The baseline and the product alone (--smoke). */
    static final List<String> SMOKE = List.of(RAW, LOOMTUNNEL);

    /** Starts each of {@code names}; one that cannot run here is left out, its reason in {@code skipped}. */
    List<Target> start(List<String> names, Map<String, String> skipped) {
        List<Target> targets = new ArrayList<>();
        for (String name : names) {
            try {
                targets.add(start(name));
            } catch (Exception e) {
                skipped.put(name, e.getMessage());
                System.out.println("skipping " + name + ": " + e.getMessage());
            }
        }
        targets.forEach(t -> System.out.printf("%-10s %s%n", t.name(), t.ports()));
        return targets;
    }

    private Target start(String name) throws Exception {
        return switch (name) {
            case RAW -> new Target(RAW, services, Map.of());
            case LOOMTUNNEL -> loomtunnel();
            case SOCAT -> socat();
            case SSH_L -> ssh("-L", null);
            case SSH_R -> ssh("-R", null);
            case SSH_L_GCM -> ssh("-L", GCM_CIPHER);
            case SSH_R_GCM -> ssh("-R", GCM_CIPHER);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * A server and a client from the fat jar; the client's tunnels (tcp, http, udp) end at the services.
     * In front of the HTTP service the server also listens for HTTPS (the http scenario's HTTPS and h2 rows).
     */
    private Target loomtunnel() throws Exception {
        Loomtunnel.Server server = loomtunnel.server(services.containsKey(Service.HTTP));
        List<String> flags = new ArrayList<>();
        services.forEach((service, port) -> flags.addAll(switch (service) {
            case ECHO -> List.of("--tcp", "echo=0:127.0.0.1:" + port);
            case HTTP -> List.of("--http", HTTP_NAME + ":127.0.0.1:" + port);
            case UDP -> List.of("--udp", "udp=0:127.0.0.1:" + port);
        }));
        Proc client = loomtunnel.client(server, flags);
        Map<Service, Integer> ports = new EnumMap<>(Service.class);
        for (Service service : services.keySet()) {
            String line = switch (service) {
                case ECHO -> "tcp\\s+echo\\s+localhost:(\\d+)";
                // the client shows the https address when the server has one: the plain ingress is the server's
                case HTTP -> "http\\s+" + HTTP_NAME + "\\s+https?://\\S+:(\\d+)/";
                case UDP -> "udp\\s+udp\\s+localhost:(\\d+)";
            };
            int port = Integer.parseInt(client.await(line, START).group(1));
            ports.put(service, service == Service.HTTP ? server.httpPort() : port);
        }
        return new Target(LOOMTUNNEL, ports, Map.of("server", server.proc().pid(), "client", client.pid()), server.httpsPort());
    }

    /** One {@code socat ... fork} per service; its "relay" process (for memory) is the echo relay's. */
    private Target socat() throws Exception {
        requireCommand("socat");
        Map<Service, Integer> ports = new EnumMap<>(Service.class);
        Map<String, Long> processes = new HashMap<>();
        for (Map.Entry<Service, Integer> s : services.entrySet()) {
            int port = freePort();
            boolean udp = s.getKey() == Service.UDP;
            // TCP: a listen backlog of 1,024 like loomtunnel's TCP ingress; socat's default of 5 turns a
            // ramp of many connections into SYN retries
            Proc socat = procs.start(SOCAT, dir, List.of("socat", (udp ? "UDP4-LISTEN:" : "TCP-LISTEN:") + port
                    + ",bind=127.0.0.1,reuseaddr,fork" + (udp ? "" : ",backlog=1024"),
                    (udp ? "UDP4" : "TCP") + ":127.0.0.1:" + s.getValue()));
            if (udp) {
                socat.awaitUdpEcho(port, START);
            } else {
                socat.awaitListening(port, START);
            }
            ports.put(s.getKey(), port);
            if (s.getKey() == Service.ECHO) {
                processes.put("relay", socat.pid());
            }
        }
        return new Target(SOCAT, ports, processes);
    }

    /**
     * {@code ssh -L} or {@code -R} as root to this set's throw-away sshd, one forward per TCP service,
     * with OpenSSH's default cipher or {@code cipher}.
     */
    private Target ssh(String flag, String cipher) throws Exception {
        requireCommand("ssh");
        if (sshd == null) {
            sshd = sshd();
        }
        Map<Service, Integer> ports = new EnumMap<>(Service.class);
        List<String> command = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-N", "-i", dir.resolve("user").toString(),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "ExitOnForwardFailure=yes", "-o", "LogLevel=ERROR", "-p", String.valueOf(sshdPort)));
        if (cipher != null) {
            command.addAll(List.of("-c", cipher));
        }
        for (Map.Entry<Service, Integer> s : services.entrySet()) {
            if (s.getKey() != Service.UDP) {
                int listen = freePort();
                ports.put(s.getKey(), listen);
                command.addAll(List.of(flag, "127.0.0.1:" + listen + ":127.0.0.1:" + s.getValue()));
            }
        }
        if (ports.isEmpty()) {
            throw new IOException("OpenSSH forwards no UDP");
        }
        command.add("root@127.0.0.1");
        String name = "ssh " + flag + (cipher == null ? "" : " gcm");
        Proc ssh = procs.start(name, dir, command);
        for (int port : ports.values()) {
            ssh.awaitListening(port, START);
        }
        // sshd's tree: the listener and one process per session (-L and -R of this set both)
        return new Target(name, ports, Map.of("client", ssh.pid(), "server", sshd.pid()));
    }

    private Proc sshd() throws Exception {
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
        sshdPort = freePort();
        Path config = dir.resolve("sshd_config");
        Files.write(config, List.of("Port " + sshdPort, "ListenAddress 127.0.0.1", "HostKey " + dir.resolve("host"),
                "AuthorizedKeysFile " + dir.resolve("user.pub"), "PidFile " + dir.resolve("sshd.pid"),
                "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password", "PasswordAuthentication no",
                "AllowTcpForwarding yes", "MaxStartups 200"));
        Proc sshd = procs.start("sshd", dir, List.of(SSHD, "-D", "-e", "-f", config.toString()));
        sshd.awaitListening(sshdPort, START);
        return sshd;
    }

    /** Versions of the peers for the record: first output line of each tool's version flag. */
    static List<String> versions(Procs procs, Path dir, Path loomtunnelJar) {
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

    private static void requireCommand(String command) throws IOException {
        if (!onPath(command)) {
            throw new IOException(command + " not found on PATH (scripts/bench-e2e installs it when run as root)");
        }
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, Echo.LOOPBACK)) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() {
        procs.close();
    }
}
