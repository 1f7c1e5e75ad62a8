package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.policies.Htpasswd;
import io.loomtunnel.internal.policies.IpRules;
import io.loomtunnel.internal.policies.PolicyException;
import io.loomtunnel.plugin.PolicySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The client's short policy flags, each {@code [NAME=]VALUE} (NAME a tunnel; without it, every
 * tunnel of the command line): {@code --basic-auth} FILE (an htpasswd file read here, its lines
 * sent as the policy's {@code users}), {@code --allow-cidr} and {@code --deny-cidr} CIDR[,CIDR...],
 * {@code --proxy-protocol} v1|v2. They become the built-in policies of docs/PLUGINS.md, after the
 * config file's own policies of the tunnel, in the order basic-auth's refusals cost most last:
 * deny, allow, basic-auth, proxy-protocol.
 */
final class PolicyFlags {
    private static final Pattern NAMED = Pattern.compile("([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)=(.*)", Pattern.DOTALL);

    private final Map<String, List<PolicySpec>> byTunnel = new LinkedHashMap<>();
    private final List<String> tunnels;

    /** @param tunnels the names of the tunnels the flags may name, the command line's first */
    PolicyFlags(List<String> tunnels) {
        this.tunnels = tunnels;
    }

    /** The policies per tunnel name, in flag order within each kind. */
    Map<String, List<PolicySpec>> byTunnel() {
        return byTunnel;
    }

    void denyCidr(String flag) {
        add("--deny-cidr", flag, "ip-deny", value -> Map.of("cidrs", cidrs("--deny-cidr", value)));
    }

    void allowCidr(String flag) {
        add("--allow-cidr", flag, "ip-allow", value -> Map.of("cidrs", cidrs("--allow-cidr", value)));
    }

    void basicAuth(String flag) {
        add("--basic-auth", flag, "basic-auth", value -> Map.of("users", htpasswd(Path.of(value))));
    }

    void proxyProtocol(String flag) {
        add("--proxy-protocol", flag, "proxy-protocol", value -> {
            if (!value.equals("v1") && !value.equals("v2")) {
                throw new IllegalArgumentException("--proxy-protocol: expected v1 or v2, got '" + value + "'");
            }
            return Map.of("version", value);
        });
    }

    private interface Settings {
        Map<String, Object> of(String value);
    }

    private void add(String option, String flag, String type, Settings settings) {
        var named = NAMED.matcher(flag);
        boolean hasName = named.matches() && tunnels.contains(named.group(1));
        String value = hasName ? named.group(2) : flag;
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + ": no value after the tunnel name");
        }
        if (named.matches() && !hasName && !type.equals("basic-auth")) {
            throw new IllegalArgumentException(option + ": no tunnel named '" + named.group(1) + "'");
        }
        if (tunnels.isEmpty()) {
            throw new IllegalArgumentException(option + ": there is no tunnel to apply it to");
        }
        Map<String, Object> s = settings.of(value);
        for (String t : hasName ? List.of(named.group(1)) : tunnels) {
            byTunnel.computeIfAbsent(t, k -> new ArrayList<>()).add(new PolicySpec(type, s, option + " " + t, null));
        }
    }

    private static List<String> cidrs(String option, String value) {
        try {
            IpRules.parseList(option, value);
        } catch (PolicyException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return List.of(value.split("[,\\s]+")).stream().filter(s -> !s.isEmpty()).toList();
    }

    /** The file's user lines, checked here so that a bad file is a usage error naming its line. */
    private static List<String> htpasswd(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--basic-auth: " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException("--basic-auth: " + file + ": cannot read: " + e.getMessage());
        }
        try {
            Htpasswd.parse(file.toString(), text);
        } catch (PolicyException e) {
            throw new IllegalArgumentException("--basic-auth: " + e.getMessage());
        }
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
