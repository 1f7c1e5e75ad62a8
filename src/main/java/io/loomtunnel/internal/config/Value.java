package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.policy.PolicySpecs;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.PortRanges;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One key's value from a TOML file or from an environment variable, read as the type the key
 * needs; every error names where the value came from.
 */
final class Value {
    private static final ObjectMapper PLAIN = new ObjectMapper();
    static final String PORTS_EXAMPLE = "10000-20000,30000 (ports 1 to 65535)";

    private final Path file;      // null: the environment
    private final String key;     // a TOML key path (limits.max_clients, tunnels[2].local) or a variable name
    private final JsonNode node;  // null for the environment
    private final String text;    // the variable's value; null for TOML

    private Value(Path file, String key, JsonNode node, String text) {
        this.file = file;
        this.key = key;
        this.node = node;
        this.text = text;
    }

    static Value ofToml(Path file, String key, JsonNode node) {
        return new Value(file, key, node, null);
    }

    static Value ofEnv(String name, String text) {
        return new Value(null, name, null, text);
    }

    /** An error about this value: "server.toml: bind must be …" or "LOOMTUNNEL_BIND: must be …". */
    ConfigException error(String predicate) {
        return new ConfigException(file == null ? key + ": " + predicate : file + ": " + key + " " + predicate);
    }

    /** An error about the key {@code member} of this table (which may be missing). */
    ConfigException error(String member, String predicate) {
        return new Value(file, key + "." + member, null, null).error(predicate);
    }

    String string() {
        if (node == null) {
            return text;
        }
        if (!node.isTextual()) {
            throw error("must be a string, got " + typeOf(node));
        }
        return node.textValue();
    }

    int integer(int min, int max) {
        String range = "must be an integer from " + min + " to " + max + ", got ";
        long n;
        if (node == null) {
            try {
                n = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw error(range + quote(text));
            }
        } else if (!node.isIntegralNumber()) {
            throw error("must be an integer, got " + typeOf(node));
        } else if (!node.canConvertToLong()) {
            throw error(range + quote(node.asText()));
        } else {
            n = node.longValue();
        }
        if (n < min || n > max) {
            throw error(range + n);
        }
        return (int) n;
    }

    boolean bool() {
        if (node == null) {
            return switch (text) {
                case "true" -> true;
                case "false" -> false;
                default -> throw error("must be true or false, got " + quote(text));
            };
        }
        if (!node.isBoolean()) {
            throw error("must be true or false, got " + typeOf(node));
        }
        return node.booleanValue();
    }

    /** A path; relative ones resolve against the config file's directory (the working directory for the environment), {@code ~/} against the home directory. */
    Path path() {
        String s = string();
        if (s.isEmpty()) {
            throw error("must be a path, got ''");
        }
        try {
            if (s.equals("~") || s.startsWith("~/")) {
                return Path.of(System.getProperty("user.home"), s.substring(1));
            }
            Path p = Path.of(s);
            Path base = file == null ? null : file.getParent();
            return base == null ? p : base.resolve(p);
        } catch (InvalidPathException e) {
            throw error("must be a path, got " + quote(s));
        }
    }

    /** Reads the file this path value names; its errors are prefixed with this key. */
    <T> T fromFile(Function<Path, T> reader) {
        Path p = path();
        try {
            return reader.apply(p);
        } catch (ConfigException e) {
            throw new ConfigException((file == null ? key : file + ": " + key) + ": " + e.getMessage());
        }
    }

    InetSocketAddress hostPort() {
        return parsed(HostPort::parse);
    }

    InetSocketAddress bindAddress() {
        return parsed(HostPort::parseBind);
    }

    PeerId peerId() {
        return parsed(s -> {
            try {
                return PeerId.parse(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be a key id (loomtunnel id): " + e.getMessage());
            }
        });
    }

    PortRanges ports() {
        return parsed(s -> {
            try {
                return PortRanges.parse(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be a port list like " + PORTS_EXAMPLE + ", got " + quote(s));
            }
        });
    }

    /** A size in bytes from 0 to {@code max}: an integer, or a string like {@code "64KiB"} or {@code "1MiB"}. */
    int byteSize(int max) {
        if (node != null && node.isIntegralNumber()) {
            return integer(0, max);
        }
        return parsed(s -> ByteSizes.parse(s, max));
    }

    /** A duration above zero: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}. */
    Duration duration() {
        String s = string();
        Duration d = Durations.parse(s);
        if (d == null || d.isZero()) {
            throw error("must be a duration above zero like 500ms, 30s, 5m or 2h, got " + quote(s));
        }
        return d;
    }

    /** An http:// or https:// URL with a host, e.g. an OTLP endpoint. */
    java.net.URI httpUrl() {
        return parsed(io.loomtunnel.observe.ObserveSettings::otlpUrl);
    }

    /** A lowercase DNS name ({@code web}, {@code tunnel.example.org}). */
    String domain() {
        String s = string();
        if (!HostPort.isDomain(s)) {
            throw error("must be a domain name of lowercase letters, digits, '-' and '.', got " + quote(s));
        }
        return s;
    }

    /** Comma-separated lowercase DNS names ({@code admin.example.org, admin.internal}). */
    List<String> domains() {
        List<String> out = new ArrayList<>();
        for (String name : string().split(",", -1)) {
            String s = name.strip();
            if (!HostPort.isDomain(s)) {
                throw error("must be domain names of lowercase letters, digits, '-' and '.', separated by commas, got " + quote(s));
            }
            out.add(s);
        }
        return out;
    }

    /** Applies every key of this table value to {@code target}; unknown keys are errors. */
    <T> void applyTable(Keys<T> keys, T target) {
        if (!(node instanceof ObjectNode table)) {
            throw error("must be a table, got " + typeOf(node));
        }
        keys.apply(file, key.isEmpty() ? "" : key + ".", table, target);
    }

    /**
     * A list of policies ({@code [{ type = "basic-auth", ... }, ...]}, docs/PLUGINS.md), their settings as plain values;
     * a relative file path in them resolves against the config file's directory. Whether each type exists and takes
     * its settings is checked when the policies are made (at start), still naming this file and key.
     */
    List<PolicySpec> policies() {
        Object plain = node == null ? text : PLAIN.convertValue(node, Object.class);
        try {
            return PolicySpecs.read(plain, file == null ? key : file + ": " + key, file == null ? null : file.toAbsolutePath().getParent());
        } catch (PolicyConfigException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** This array of tables ([[name]]) as one value per table, named {@code name[1]}, {@code name[2]}, …. */
    List<Value> tables() {
        if (!node.isArray()) {
            throw error("must be an array of tables ([[" + key + "]]), got " + typeOf(node));
        }
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(ofToml(file, key + "[" + (i + 1) + "]", node.get(i)));
        }
        return out;
    }

    /** The string parsed by {@code parser}, whose IllegalArgumentException message becomes this key's error. */
    <T> T parsed(Function<String, T> parser) {
        String s = string();
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    private static String typeOf(JsonNode n) {
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isIntegralNumber()) {
            return "an integer";
        }
        if (n.isNumber()) {
            return "a float";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isArray()) {
            return "an array";
        }
        return n.isObject() ? "a table" : "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
