package io.loomtunnel.internal.https;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Automatic certificates (RFC 8555) with acme4j: for each host it is asked for ({@link #want}),
 * an order validated by HTTP-01 (answered by the HTTP listener) or TLS-ALPN-01 (by the HTTPS
 * listener), the issued chain and its new key written under the state directory (keys mode 0600)
 * and put into the {@link CertificateStore}. Certificates found there at start are served at once.
 * A certificate is renewed once two thirds of its lifetime have passed. A failure is logged in one
 * line and retried with backoff (1 min doubling to 6 h), the old certificate serving meanwhile.
 *
 * <p>Threads: {@code "loomtunnel acme: orders"}, the only one that talks to the CA, takes hosts from a
 * bounded queue; {@code "...: renewals"} looks every {@link #CHECK} for certificates due and failures
 * whose backoff ended. {@link #close} joins both. Locking: none; {@code state} is a concurrent map.
 */
public final class AcmeIssuer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AcmeIssuer.class.getName());
    /** How often due renewals and retries are looked for. */
    static final Duration CHECK = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    private static final Duration LAST_RETRY = Duration.ofHours(6);
    private static final Duration VALIDATION = Duration.ofSeconds(60);
    private static final int MAX_QUEUED = 1_024;
    private static final String OWNER_ONLY = "rw-------";
    private static final int MAX_CAUSES = 8;

    /** Which challenge proves control of a host. */
    public enum Challenge { HTTP_01, TLS_ALPN_01 }

    private final URI directory;
    private final String email;
    private final Path caPem;
    private final Path stateDir;
    private final Challenge challenge;
    private final CertificateStore store;
    private final AcmeChallenges challenges;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final Map<String, HostState> state = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final OwnedThreads threads = new OwnedThreads("acme");
    private Account account; // the orders thread's only

    /** A host's certificate's renewal time, or its failures and when to try again. */
    private record HostState(Instant renewAt, int failures, Instant retryAt) {
    }

    /**
     * @param caPem the CA that signs the directory's TLS certificate, or null for the system's
     * @param stateDir where the account key and certificates live (created mode 0700)
     */
    public AcmeIssuer(URI directory, String email, Path caPem, Path stateDir, Challenge challenge, CertificateStore store,
            AcmeChallenges challenges) {
        this.directory = directory;
        this.email = email;
        this.caPem = caPem;
        this.stateDir = stateDir;
        this.challenge = challenge;
        this.store = store;
        this.challenges = challenges;
    }

    /** Serves the certificates already in the state directory, then starts the orders and renewals threads. */
    public void start() throws IOException {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider()); // acme4j signs its CSRs with "BC"; last in line, so nothing else changes
        }
        Files.createDirectories(stateDir);
        try {
            Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to set
        }
        try (var files = Files.list(stateDir)) {
            for (Path chain : files.filter(p -> p.getFileName().toString().endsWith(".crt")).toList()) {
                String host = chain.getFileName().toString().replaceFirst("\\.crt$", "");
                try {
                    CertifiedKey c = PemFiles.load(chain, stateDir.resolve(host + ".key"));
                    store.put(host, c);
                    state.put(host, new HostState(renewAt(c.chain()[0]), 0, null));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "acme: ignoring " + chain + ": " + e.getMessage());
                }
            }
        }
        threads.start("orders", this::orders);
        threads.startEvery("renewals", CHECK, this::due);
    }

    /** Asks for a certificate for {@code host} unless it has a fresh one or is waiting out a failure. */
    public void want(String host) {
        HostState s = state.get(host);
        Instant now = Instant.now();
        if (s != null && (s.retryAt() != null ? now.isBefore(s.retryAt()) : s.renewAt() != null && now.isBefore(s.renewAt()))) {
            return;
        }
        if (queued.add(host) && !queue.offer(host)) {
            queued.remove(host); // full: the renewals pass asks again
        }
        state.putIfAbsent(host, new HostState(null, 0, null));
    }

    @Override
    public void close() {
        threads.close();
    }

    private void due() {
        state.keySet().forEach(this::want);
    }

    private void orders() {
        while (!threads.isClosed()) {
            String host;
            try {
                host = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (host == null) {
                continue;
            }
            try {
                X509Certificate leaf = issue(host);
                state.put(host, new HostState(renewAt(leaf), 0, null));
                LOG.log(System.Logger.Level.INFO, "acme: certificate for " + host + " issued, valid until " + leaf.getNotAfter().toInstant());
            } catch (InterruptedException e) {
                return;
            } catch (IOException | AcmeException | RuntimeException e) {
                HostState old = state.getOrDefault(host, new HostState(null, 0, null));
                int failures = old.failures() + 1;
                Duration wait = backoff(failures);
                state.put(host, new HostState(old.renewAt(), failures, Instant.now().plus(wait)));
                LOG.log(System.Logger.Level.WARNING, "acme: no certificate for " + host + " (" + oneLine(e) + "); trying again in "
                        + wait.toMinutes() + " min" + (store.covers(host) ? ", the current certificate serving meanwhile" : ""));
            } finally {
                challenges.removeHttp01(host);
                challenges.removeTlsAlpn01(host);
                queued.remove(host); // queued or in progress until here, so that the renewals pass does not order it twice
            }
        }
    }

    /** One order for {@code host}, to its end: validated, issued, stored. */
    private X509Certificate issue(String host) throws IOException, AcmeException, InterruptedException {
        Order order = account().newOrder().domain(host).create();
        for (Authorization auth : order.getAuthorizations()) {
            if (auth.getStatus() == Status.VALID) {
                continue;
            }
            if (challenge == Challenge.HTTP_01) {
                Http01Challenge c = auth.findChallenge(Http01Challenge.class)
                        .orElseThrow(() -> new AcmeException("the CA offers no http-01 challenge"));
                challenges.putHttp01(host, c.getToken(), c.getAuthorization());
                c.trigger();
            } else {
                TlsAlpn01Challenge c = auth.findChallenge(TlsAlpn01Challenge.class)
                        .orElseThrow(() -> new AcmeException("the CA offers no tls-alpn-01 challenge"));
                challenges.putTlsAlpn01(host, c.getAcmeValidation());
                c.trigger();
            }
            Status s = auth.waitForCompletion(VALIDATION);
            if (s != Status.VALID) {
                throw new AcmeException("validation ended " + s.name().toLowerCase() + problem(auth));
            }
        }
        KeyPair domainKey = KeyPairUtils.createECKeyPair("secp256r1");
        order.waitUntilReady(VALIDATION);
        order.execute(domainKey);
        Status s = order.waitForCompletion(VALIDATION);
        if (s != Status.VALID) {
            throw new AcmeException("the order ended " + s.name().toLowerCase());
        }
        Certificate certificate = order.getCertificate();
        StringWriter keyPem = new StringWriter();
        KeyPairUtils.writeKeyPair(domainKey, keyPem);
        StringWriter chainPem = new StringWriter();
        certificate.writeCertificate(chainPem);
        Path keyFile = stateDir.resolve(host + ".key");
        Path chainFile = stateDir.resolve(host + ".crt");
        writeSecret(keyFile, keyPem.toString());
        writeSecret(chainFile, chainPem.toString());
        CertifiedKey issued = PemFiles.load(chainFile, keyFile); // as a restart will read it, with the platform's key classes
        store.put(host, issued);
        return issued.chain()[0];
    }

    private static String problem(Authorization auth) {
        return auth.getChallenges().stream().flatMap(c -> c.getError().stream()).findFirst()
                .map(p -> ": " + p.getDetail().orElse(p.getType().toString())).orElse("");
    }

    /** The account, created (or found again, by its key) on first use; its key is made once and kept mode 0600. */
    private Account account() throws IOException, AcmeException {
        if (account == null) {
            Path keyFile = stateDir.resolve("account.key");
            KeyPair key;
            if (Files.exists(keyFile)) {
                try (var r = Files.newBufferedReader(keyFile)) {
                    key = KeyPairUtils.readKeyPair(r);
                }
            } else {
                key = KeyPairUtils.createECKeyPair("secp256r1");
                StringWriter pem = new StringWriter();
                KeyPairUtils.writeKeyPair(key, pem);
                writeSecret(keyFile, pem.toString());
            }
            Session session = caPem == null ? new Session(directory) : new Session(directory, new AcmeTrust(caPem));
            AccountBuilder b = new AccountBuilder().agreeToTermsOfService().useKeyPair(key);
            if (email != null) {
                b.addEmail(email);
            }
            account = b.create(session);
        }
        return account;
    }

    /** Writes a file readable by its owner only, atomically (a reader never sees half of it). */
    static void writeSecret(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)));
        try (Writer w = Files.newBufferedWriter(tmp)) {
            w.write(content);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Two thirds into the certificate's lifetime. */
    static Instant renewAt(X509Certificate leaf) {
        Instant from = leaf.getNotBefore().toInstant();
        Instant to = leaf.getNotAfter().toInstant();
        return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
    }

    static Duration backoff(int failures) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : d;
    }

    /**
     * The message of {@code e} and of its causes, on one line ("Could not build certificate: cannot
     * create signer: ..."): a library's own message often says only what failed, its cause why.
     * A cause whose message is already in the line (Java's {@code new X(cause)}) adds nothing.
     */
    static String oneLine(Throwable e) {
        StringBuilder line = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            String m = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
            m = m.strip().replaceAll("\\s+", " ");
            if (line.indexOf(m) < 0) {
                line.append(line.isEmpty() ? "" : ": ").append(m);
            }
        }
        return line.toString();
    }
}
