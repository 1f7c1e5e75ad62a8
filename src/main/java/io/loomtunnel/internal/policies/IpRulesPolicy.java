package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Datagram;
import io.loomtunnel.plugin.DatagramAction;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ip-allow} and {@code ip-deny}: visitors by address, {@code cidrs} a list of networks (or
 * one comma-separated string). A refused HTTP request gets 403; a refused TCP connection is
 * closed; a refused datagram dropped. Several entries combine: each refuses what it refuses.
 */
final class IpRulesPolicy implements Policy {
    private final IpRules rules;

    IpRulesPolicy(IpRules rules) {
        this.rules = rules;
    }

    /** {@code ip-allow}: only these networks. */
    public static final class Allow implements PolicyProvider {
        @Override
        public String name() {
            return "ip-allow";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            return new IpRulesPolicy(new IpRules(cidrs(settings), List.of()));
        }
    }

    /** {@code ip-deny}: everyone but these networks. */
    public static final class Deny implements PolicyProvider {
        @Override
        public String name() {
            return "ip-deny";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            return new IpRulesPolicy(new IpRules(List.of(), cidrs(settings)));
        }
    }

    private static List<Cidr> cidrs(PolicySettings settings) throws PolicyConfigException {
        List<String> given = settings.strings("cidrs");
        if (given.isEmpty()) {
            throw settings.error("cidrs", "is required (a list of networks such as \"10.0.0.0/8\")");
        }
        List<Cidr> out = new ArrayList<>();
        for (String g : given) {
            out.addAll(Settings.parse(settings, "cidrs", () -> IpRules.parseList("cidrs", g)));
        }
        return out;
    }

    private boolean permits(InetSocketAddress visitor) {
        if (visitor == null || visitor.getAddress() == null) {
            return rules.allow().isEmpty(); // an unknown visitor is in no allowed network
        }
        return rules.permits(visitor.getAddress());
    }

    @Override
    public Admission onConnection(Connection connection) {
        return permits(connection.visitor()) ? Admission.ACCEPT : Admission.REFUSE;
    }

    @Override
    public RequestAction onRequest(Request request) {
        return permits(request.visitor()) ? RequestAction.CONTINUE : RequestAction.reject(403);
    }

    @Override
    public DatagramAction onDatagram(Datagram datagram) {
        return permits(datagram.visitor()) ? DatagramAction.PASS : DatagramAction.DROP;
    }
}
