package io.loomtunnel.internal.policies;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Allow and deny lists of networks: a visitor in a denied network is refused; when there is an
 * allow list, a visitor outside it is refused too. Deny wins over allow, as in nginx's usual
 * {@code deny}-then-{@code allow all} order.
 */
public record IpRules(List<Cidr> allow, List<Cidr> deny) {
    public IpRules {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /**
     * Parses comma- or space-separated networks, as flags and TOML strings give them.
     *
     * @throws PolicyException one line naming {@code what} and the bad entry
     */
    public static List<Cidr> parseList(String what, String text) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(Cidr.parse(part));
            } catch (PolicyException e) {
                throw new PolicyException(what + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new PolicyException(what + ": no network given");
        }
        return out;
    }

    /** Whether a visitor from this address may pass. */
    public boolean permits(InetAddress visitor) {
        byte[] a = visitor.getAddress();
        for (Cidr c : deny) {
            if (c.contains(a)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (Cidr c : allow) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }
}
