package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigException.quote;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** One {@code [[tunnels]]} table of a client config file while it is read, then the TunnelSpec it makes. */
final class TunnelTable {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final Keys<TunnelTable> KEYS = new Keys<TunnelTable>()
            .key("name", TunnelTable::name)
            .key("type", TunnelTable::type)
            .key("local", (t, v) -> t.local = v.hostPort())
            .key("host", (t, v) -> t.host = v.domain())
            .key("remote_port", (t, v) -> t.remotePort = v.integer(0, 65_535))
            .key("inspect", (t, v) -> t.inspect = v.bool())
            .key("policies", (t, v) -> t.policies = v.policies())
            .key("passthrough", (t, v) -> t.passthrough = v.bool())
            .key("local_protocol", TunnelTable::localProtocol);

    private final Value table;
    private String name;
    private TunnelType type;
    private InetSocketAddress local;
    private String host;
    private Integer remotePort;
    private Boolean inspect;
    private List<PolicySpec> policies = List.of();
    private boolean passthrough;
    private String localProtocol;

    private TunnelTable(Value table) {
        this.table = table;
    }

    /** Sets the tunnels of a {@code tunnels} array of tables, checked for unique names, their policies, and which stay out of the inspector. */
    static void readAll(Value tunnels, ClientSettings.Builder builder) {
        List<TunnelSpec> specs = new ArrayList<>();
        Map<String, Value> names = new HashMap<>();
        for (Value table : tunnels.tables()) {
            TunnelTable t = new TunnelTable(table);
            table.applyTable(KEYS, t);
            TunnelSpec spec = t.spec();
            Value first = names.putIfAbsent(spec.name(), table);
            if (first != null) {
                throw t.error("name", "is " + quote(spec.name()) + " again (tunnel names must be unique)");
            }
            specs.add(spec);
            if (Boolean.FALSE.equals(t.inspect)) {
                builder.noInspect(spec.name());
            }
            if ("h2c".equals(t.localProtocol)) {
                builder.h2c(spec.name());
            }
            if (!t.policies.isEmpty()) {
                builder.tunnelPolicies(spec.name(), t.policies);
            }
        }
        builder.tunnels(specs);
    }

    private static void name(TunnelTable t, Value v) {
        String s = v.string();
        if (!NAME.matcher(s).matches()) {
            throw v.error("must be 1-63 lowercase letters, digits or '-' (not first or last), got " + quote(s));
        }
        t.name = s;
    }

    private static void type(TunnelTable t, Value v) {
        String s = v.string();
        try {
            t.type = TunnelType.parse(s);
        } catch (IllegalArgumentException e) {
            throw v.error("must be tcp, udp or http, got " + quote(s));
        }
    }

    private static void localProtocol(TunnelTable t, Value v) {
        String s = v.string();
        if (!s.equals("http1") && !s.equals("h2c")) {
            throw v.error("must be \"http1\" or \"h2c\" (HTTP/2 with prior knowledge, as gRPC services speak), got " + quote(s));
        }
        t.localProtocol = s;
    }

    private TunnelSpec spec() {
        if (name == null) {
            throw error("name", "is missing");
        }
        if (type == null) {
            throw error("type", "is missing (tcp, udp or http)");
        }
        if (local == null) {
            throw error("local", "is missing (HOST:PORT of the service next to the client)");
        }
        if (type == TunnelType.HTTP) {
            if (host == null) {
                throw error("host", "is missing (an http tunnel needs NAME, served as NAME.DOMAIN, or a full domain)");
            }
            if (remotePort != null) {
                throw error("remote_port", "is only for tcp and udp tunnels");
            }
        } else if (host != null) {
            throw error("host", "is only for http tunnels");
        } else if (inspect != null) {
            throw error("inspect", "is only for http tunnels (the request inspector reads HTTP)");
        } else if (passthrough) {
            throw error("passthrough", "is only for http tunnels");
        } else if (localProtocol != null) {
            throw error("local_protocol", "is only for http tunnels");
        }
        if (passthrough && "h2c".equals(localProtocol)) {
            throw error("local_protocol", "cannot be \"h2c\" with passthrough (the server passes TLS through untouched)");
        }
        int remote = remotePort == null ? 0 : remotePort;
        return new TunnelSpec(name, type, local.getHostString(), local.getPort(), remote, host, passthrough);
    }

    private ConfigException error(String key, String predicate) {
        return table.error(key, predicate);
    }
}
