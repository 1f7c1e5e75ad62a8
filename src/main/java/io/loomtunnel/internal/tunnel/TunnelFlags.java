package io.loomtunnel.internal.tunnel;

import static io.loomtunnel.internal.net.Quoted.quote;

import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;

/**
 * Parses the client's tunnel flags into TunnelSpecs: {@code [NAME=]REMOTE_PORT:LOCAL_HOST:LOCAL_PORT}
 * for tcp and udp, {@code [NAME=]HOST:LOCAL_HOST:LOCAL_PORT} for http. Without {@code NAME=} the
 * name is {@code tcp-REMOTE_PORT} ({@code tcp-LOCAL_PORT} when REMOTE_PORT is 0, the server
 * picks), {@code udp-…} alike, and for http the HOST with '.' as '-'. Errors are
 * IllegalArgumentExceptions that read after the flag's name ("must be …, got '…'").
 */
public final class TunnelFlags {
    private TunnelFlags() {}

    public static TunnelSpec tcp(String text) {
        return ported(TunnelType.TCP, text);
    }

    public static TunnelSpec udp(String text) {
        return ported(TunnelType.UDP, text);
    }

    public static TunnelSpec http(String text) {
        Flag f = Flag.split(text, "HOST");
        if (!HostPort.isDomain(f.first)) {
            throw new IllegalArgumentException("HOST must be NAME (served as NAME.DOMAIN) or a full domain, in lowercase, got " + quote(f.first));
        }
        InetSocketAddress local = f.local();
        String name = f.name != null ? f.name : f.first.replace('.', '-');
        return TunnelSpec.http(name, f.first, local.getHostString(), local.getPort());
    }

    /** {@code --tls}: as {@link #http}, the local service terminating TLS (passthrough). */
    public static TunnelSpec tls(String text) {
        TunnelSpec s = http(text);
        return TunnelSpec.passthrough(s.name(), s.host(), s.localHost(), s.localPort());
    }

    private static TunnelSpec ported(TunnelType type, String text) {
        Flag f = Flag.split(text, "REMOTE_PORT");
        int remote = HostPort.port(f.first, 0);
        if (remote < 0) {
            throw new IllegalArgumentException("REMOTE_PORT must be 0 (the server picks) to 65535, got " + quote(f.first));
        }
        InetSocketAddress local = f.local();
        String name = f.name != null ? f.name : type.wireName() + "-" + (remote != 0 ? remote : local.getPort());
        return new TunnelSpec(name, type, local.getHostString(), local.getPort(), remote, null);
    }

    /** A flag's parts: the optional NAME, the first field, and LOCAL_HOST:LOCAL_PORT. */
    private record Flag(String name, String first, String localText) {
        static Flag split(String text, String firstField) {
            int eq = text.indexOf('=');
            String rest = text.substring(eq + 1);
            int colon = rest.indexOf(':');
            if (colon < 0 || eq == 0) {
                throw new IllegalArgumentException("must be [NAME=]" + firstField + ":LOCAL_HOST:LOCAL_PORT, got " + quote(text));
            }
            return new Flag(eq < 0 ? null : text.substring(0, eq), rest.substring(0, colon), rest.substring(colon + 1));
        }

        InetSocketAddress local() {
            try {
                return HostPort.parse(localText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("LOCAL_HOST:LOCAL_PORT " + e.getMessage());
            }
        }
    }
}
