package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import java.net.InetSocketAddress;

/**
 * {@code proxy-protocol}: a TCP tunnel's service reads a PROXY protocol header ({@code version}
 * {@code "v1"} or {@code "v2"}, default v2) with the visitor's address before the visitor's
 * bytes. The server writes it as the first bytes of the tunnel's stream; HTTP tunnels keep
 * X-Forwarded-For instead and ignore it.
 */
final class ProxyProtocolPolicy implements Policy {
    private final ProxyHeader.Version version;

    ProxyProtocolPolicy(ProxyHeader.Version version) {
        this.version = version;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "proxy-protocol";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            String v = settings.string("version", "v2");
            return switch (v) {
                case "v1", "1" -> new ProxyProtocolPolicy(ProxyHeader.Version.V1);
                case "v2", "2" -> new ProxyProtocolPolicy(ProxyHeader.Version.V2);
                default -> throw settings.error("version", "must be \"v1\" or \"v2\"");
            };
        }
    }

    @Override
    public byte[] preface(Connection connection) {
        InetSocketAddress visitor = connection.visitor();
        InetSocketAddress publicAddress = connection.local();
        if (visitor == null || visitor.getAddress() == null || publicAddress == null || publicAddress.getAddress() == null) {
            return new byte[0]; // PROXY v1 "UNKNOWN" is possible but no service needs it from us: nothing rather than a guess
        }
        return ProxyHeader.encode(version, visitor, publicAddress);
    }
}
