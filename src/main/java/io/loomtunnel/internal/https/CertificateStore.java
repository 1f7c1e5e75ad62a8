package io.loomtunnel.internal.https;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The certificates the HTTPS listener serves, by name: exact names first, then a wildcard one
 * label up, else the first certificate configured (the default, as nginx's default server). PEM
 * files are read again when they change ({@link #refresh}, from the listener's timer): a file that
 * does not load leaves the certificate it had serving and is logged once per change, so a
 * half-written renewal never takes a host down. Handshakes in flight keep the chain they chose.
 *
 * <p>Locking: {@link #refresh} and {@link #put} run under {@code this}; lookups read the volatile
 * {@code snapshot}, an immutable map, without a lock. No other lock is taken under it.
 */
public final class CertificateStore implements SniKeyManager.Source {
    private static final System.Logger LOG = System.getLogger(CertificateStore.class.getName());
    private final List<CertificateFiles> files;
    private final AtomicLong aliases = new AtomicLong();
    /** What each file set last loaded, by its index in {@code files}; absent until one loads. */
    private final Map<Integer, Loaded> loaded = new HashMap<>();
    /** Certificates added at run time (ACME), by host. */
    private final Map<String, Entry> managed = new LinkedHashMap<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), null, Map.of(), Set.of());
    /** The snapshot before this one: its aliases stay valid for handshakes that chose one just before a change. */
    private volatile Snapshot previous = snapshot;

    /** A certificate under a unique alias (for the key manager) and the file state it was read from. */
    record Entry(String alias, CertifiedKey certified) {
    }

    private record Loaded(Entry entry, List<Object> stamp) {
    }

    private record Snapshot(Map<String, List<Entry>> byName, Entry fallback, Map<String, Entry> byAlias, Set<String> fromFiles) {
    }

    public CertificateStore(List<CertificateFiles> files) {
        this.files = List.copyOf(files);
    }

    /**
     * Loads every certificate now; the first time, a file that does not load is an error.
     *
     * @throws IOException the first file set that could not be read, in one line
     */
    public synchronized void load() throws IOException {
        for (int i = 0; i < files.size(); i++) {
            CertificateFiles f = files.get(i);
            loaded.put(i, new Loaded(entry(PemFiles.load(f.certificate(), f.key())), stamp(f)));
            if (PemFiles.othersMayRead(f.key())) {
                LOG.log(System.Logger.Level.WARNING, "https: " + f.key() + " holds a private key that others may read; chmod 600 it");
            }
        }
        publish();
    }

    /** Reads again the files that changed since they last loaded; a failure keeps the old certificate and logs one line. */
    public synchronized void refresh() {
        boolean changed = false;
        for (int i = 0; i < files.size(); i++) {
            CertificateFiles f = files.get(i);
            List<Object> stamp = stamp(f);
            Loaded old = loaded.get(i);
            if (old != null && old.stamp().equals(stamp)) {
                continue;
            }
            try {
                loaded.put(i, new Loaded(entry(PemFiles.load(f.certificate(), f.key())), stamp));
                LOG.log(System.Logger.Level.INFO, "https: reloaded certificate " + f.certificate());
                changed = true;
            } catch (IOException e) {
                // remember the stamp so the same broken state logs once; the old entry keeps serving
                loaded.put(i, new Loaded(old == null ? null : old.entry(), stamp));
                LOG.log(System.Logger.Level.WARNING, "https: could not reload " + f.certificate() + ", still serving the previous certificate: "
                        + e.getMessage());
            }
        }
        if (changed) {
            publish();
        }
    }

    /** Adds or replaces the certificate served for {@code host} (an issued one), over any from files. */
    public synchronized void put(String host, CertifiedKey certified) {
        managed.put(host, entry(certified));
        publish();
    }

    /** True if a certificate names {@code host} exactly or by wildcard (the default alone does not count). */
    public boolean covers(String host) {
        return !named(snapshot, host).isEmpty();
    }

    /** True if a certificate from a file names {@code host} exactly or by wildcard: ACME leaves such hosts alone. */
    public boolean coveredByFile(String host) {
        Set<String> names = snapshot.fromFiles();
        int dot = host.indexOf('.');
        return names.contains(host) || dot > 0 && names.contains("*" + host.substring(dot));
    }

    /** The alias of the certificate for {@code serverName} (null: none given) whose key is of {@code keyType}, or null. */
    @Override
    public String choose(String serverName, String keyType) {
        Snapshot s = snapshot;
        if (serverName != null) {
            for (Entry e : named(s, serverName)) {
                if (e.certified().keyType().equals(keyType)) {
                    return e.alias();
                }
            }
        }
        return s.fallback() != null && s.fallback().certified().keyType().equals(keyType) ? s.fallback().alias() : null;
    }

    /** The certificate an alias from {@link #choose} names, or null once it is two changes old. */
    @Override
    public CertifiedKey byAlias(String alias) {
        Entry e = snapshot.byAlias().get(alias);
        if (e == null) {
            e = previous.byAlias().get(alias);
        }
        return e == null ? null : e.certified();
    }

    private static List<Entry> named(Snapshot s, String host) {
        List<Entry> exact = s.byName().get(host);
        if (exact != null) {
            return exact;
        }
        int dot = host.indexOf('.');
        return dot < 0 ? List.of() : s.byName().getOrDefault("*" + host.substring(dot), List.of());
    }

    private Entry entry(CertifiedKey certified) {
        return new Entry("c" + aliases.incrementAndGet(), certified);
    }

    private void publish() {
        Map<String, List<Entry>> byName = new HashMap<>();
        Map<String, Entry> byAlias = new HashMap<>();
        Set<String> fromFiles = new HashSet<>();
        Entry fallback = null;
        List<Entry> all = new ArrayList<>(managed.values());
        for (int i = 0; i < files.size(); i++) {
            Loaded l = loaded.get(i);
            if (l != null && l.entry() != null) {
                all.add(l.entry());
                fromFiles.addAll(l.entry().certified().names());
                if (fallback == null) {
                    fallback = l.entry();
                }
            }
        }
        managed.forEach((host, e) -> byName.computeIfAbsent(host, h -> new ArrayList<>()).add(e));
        for (Entry e : all) {
            byAlias.put(e.alias(), e);
            if (!managed.containsValue(e)) {
                e.certified().names().forEach(n -> byName.computeIfAbsent(n, h -> new ArrayList<>()).add(e));
            }
        }
        previous = snapshot;
        snapshot = new Snapshot(Map.copyOf(byName), fallback, Map.copyOf(byAlias), Set.copyOf(fromFiles));
    }

    /** What identifies a file set's state: both files' modification times and sizes (absent files too). */
    private static List<Object> stamp(CertificateFiles f) {
        return List.of(stamp(f.certificate()), stamp(f.key()));
    }

    private static Object stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return "missing";
        }
    }
}
