package io.loomtunnel.internal.policy;

import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.PolicySpec;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The policy providers one process knows, by name: the built-in ones (on loomtunnel's own class
 * path, listed in META-INF/services) and the custom ones of its plugin directory (a class loader
 * over the directory's jars, child of loomtunnel's). Makes chains from declared policies; a chain
 * declared by a peer (a client's tunnel on the server) is made of built-in providers only.
 *
 * <p>Owns the {@link HookWatchdog} of every chain it makes (its thread, {@code "loomtunnel OWNER:
 * hook watchdog"}, starts with the first hook call): {@link #close} ends it, after which the chains
 * still run, their calls measured on return only.
 */
public final class PolicyRegistry implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Map<String, PolicyProvider> builtIn;
    private final Map<String, PolicyProvider> custom;
    private final HookWatchdog watchdog;

    private PolicyRegistry(Map<String, PolicyProvider> builtIn, Map<String, PolicyProvider> custom, HookWatchdog watchdog) {
        this.builtIn = builtIn;
        this.custom = custom;
        this.watchdog = watchdog;
    }

    /** The built-in providers and, when {@code pluginDir} is not null, the custom ones of its jars. */
    public static PolicyRegistry load(Path pluginDir) throws PolicyConfigException {
        return load("policies", pluginDir, PolicyChain.DEFAULT_BOUND);
    }

    /**
     * As {@link #load(Path)}, with each hook call bounded by {@code bound}, and the watchdog's thread
     * named for {@code owner} (what the policies serve: "server policies").
     */
    public static PolicyRegistry load(String owner, Path pluginDir, Duration bound) throws PolicyConfigException {
        ClassLoader own = PolicyProvider.class.getClassLoader();
        Map<String, PolicyProvider> builtIn = new TreeMap<>();
        for (PolicyProvider p : providers(ServiceLoader.load(PolicyProvider.class, own), "loomtunnel's class path")) {
            add(builtIn, p, "loomtunnel's class path");
        }
        Map<String, PolicyProvider> custom = new TreeMap<>();
        if (pluginDir != null) {
            String where = "plugin directory " + pluginDir;
            ClassLoader jars = new URLClassLoader("loomtunnel plugins", jarUrls(pluginDir), own);
            for (PolicyProvider p : providers(ServiceLoader.load(PolicyProvider.class, jars), where)) {
                if (p.getClass().getClassLoader() == own) {
                    continue; // a built-in, seen again through the parent
                }
                if (builtIn.containsKey(p.name())) {
                    throw new PolicyConfigException(where + ": " + p.getClass().getName() + " names its policy type "
                            + p.name() + ", which is a built-in's");
                }
                add(custom, p, where);
            }
        }
        return new PolicyRegistry(Map.copyOf(builtIn), Map.copyOf(custom), new HookWatchdog(owner, bound));
    }

    /** Ends the hook watchdog's thread, joining it. */
    @Override
    public void close() {
        watchdog.close();
    }

    /** The built-in types' names, sorted. */
    public List<String> builtInNames() {
        return new ArrayList<>(new TreeMap<>(builtIn).keySet());
    }

    /** The custom types' names, sorted. */
    public List<String> customNames() {
        return new ArrayList<>(new TreeMap<>(custom).keySet());
    }

    /** Whether {@code type} is a built-in type. */
    public boolean isBuiltIn(String type) {
        return builtIn.containsKey(type);
    }

    /**
     * The chain of policies this process's own config declares: built-in and custom types,
     * settings may name files (relative to each spec's base directory).
     */
    public PolicyChain chain(List<PolicySpec> specs) throws PolicyConfigException {
        return make(specs, false);
    }

    /**
     * The chain of policies a peer declared for its tunnel: built-in types only (a peer never makes
     * this process load code), settings {@linkplain PolicySettings#remote() remote}.
     */
    public PolicyChain remoteChain(List<PolicySpec> specs) throws PolicyConfigException {
        return make(specs, true);
    }

    /** Checks a declared list without keeping the policies (a config being read). */
    public void check(List<PolicySpec> specs) throws PolicyConfigException {
        make(specs, false).close();
    }

    private PolicyChain make(List<PolicySpec> specs, boolean remote) throws PolicyConfigException {
        List<PolicyChain.Link> links = new ArrayList<>();
        try {
            for (PolicySpec spec : specs) {
                links.add(new PolicyChain.Link(spec.type(), create(spec, remote)));
            }
        } catch (PolicyConfigException | RuntimeException e) {
            links.forEach(l -> PolicyChain.closeQuietly(l));
            throw e;
        }
        return new PolicyChain(links, watchdog);
    }

    private Policy create(PolicySpec spec, boolean remote) throws PolicyConfigException {
        PolicyProvider provider = builtIn.get(spec.type());
        if (provider == null && !remote) {
            provider = custom.get(spec.type());
        }
        if (provider == null) {
            String known = String.join(", ", remote ? builtInNames() : Stream.concat(builtInNames().stream(),
                    customNames().stream()).sorted().toList());
            throw new PolicyConfigException(spec.where() + ".type names no " + (remote ? "built-in " : "") + "policy type: \""
                    + spec.type() + "\" (known: " + (known.isEmpty() ? "none" : known) + ")");
        }
        PolicySettings settings = remote ? PolicySettings.remote(spec.where(), spec.settings())
                : PolicySettings.local(spec.where(), spec.baseDir(), spec.settings());
        Policy policy;
        try {
            policy = provider.create(settings);
        } catch (RuntimeException e) {
            throw new PolicyConfigException(spec.where() + ": policy " + spec.type() + " could not be made: " + e);
        }
        if (policy == null) {
            throw new PolicyConfigException(spec.where() + ": policy " + spec.type() + " made nothing (its provider returned null)");
        }
        if (!settings.unread().isEmpty()) {
            PolicyChain.closeQuietly(new PolicyChain.Link(spec.type(), policy));
            throw new PolicyConfigException(spec.where() + "." + settings.unread().iterator().next()
                    + " is not a setting of policy " + spec.type());
        }
        return policy;
    }

    private static List<PolicyProvider> providers(ServiceLoader<PolicyProvider> loader, String where)
            throws PolicyConfigException {
        List<PolicyProvider> out = new ArrayList<>();
        try {
            for (PolicyProvider p : loader) {
                out.add(p);
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new PolicyConfigException(where + ": a policy provider cannot be loaded: " + e.getMessage());
        }
        return out;
    }

    private static void add(Map<String, PolicyProvider> into, PolicyProvider p, String where) throws PolicyConfigException {
        String name = p.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PolicyConfigException(where + ": " + p.getClass().getName() + " has a bad policy type name \"" + name
                    + "\" (lowercase letters, digits and '-')");
        }
        PolicyProvider before = into.putIfAbsent(name, p);
        if (before != null && before.getClass() != p.getClass()) {
            throw new PolicyConfigException(where + ": two providers name the policy type " + name + ": "
                    + before.getClass().getName() + " and " + p.getClass().getName());
        }
    }

    private static URL[] jarUrls(Path dir) throws PolicyConfigException {
        if (!Files.isDirectory(dir)) {
            throw new PolicyConfigException("plugin directory " + dir + " is not a directory");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<URL> urls = new ArrayList<>();
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(p.toUri().toURL());
            }
            return urls.toArray(URL[]::new);
        } catch (MalformedURLException e) {
            throw new PolicyConfigException("plugin directory " + dir + ": " + e.getMessage());
        } catch (IOException e) {
            throw new PolicyConfigException("plugin directory " + dir + " cannot be read: " + e);
        }
    }
}
