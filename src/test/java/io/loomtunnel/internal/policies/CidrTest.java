package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CIDR networks of both families, IPv4-mapped addresses as IPv4, and allow/deny lists. */
class CidrTest {
    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    private static InetAddress mapped(String v4) throws Exception {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(ip(v4).getAddress(), 0, b, 12, 4);
        return java.net.Inet6Address.getByAddress(null, b, -1); // stays IPv6, as a dual-stack socket may report it
    }

    @Test
    void ipv4AndIpv6NetworksMatch() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("10.200.1.2")));
        assertFalse(ten.contains(ip("11.0.0.1")));
        assertTrue(ten.contains(mapped("10.1.2.3")), "an IPv4-mapped visitor matches its IPv4 network");
        assertFalse(ten.contains(ip("::a00:1")), "an IPv4-compatible (not mapped) address is IPv6");
        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertTrue(v6.contains(ip("2001:db8:ffff::1")));
        assertFalse(v6.contains(ip("2001:db9::1")));
        assertFalse(v6.contains(ip("10.0.0.1")));
        assertTrue(Cidr.parse("192.168.1.0/25").contains(ip("192.168.1.127")));
        assertFalse(Cidr.parse("192.168.1.0/25").contains(ip("192.168.1.128")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertTrue(Cidr.parse("::/0").contains(ip("::1")));
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("::ffff:10.0.0.0/104"), "a mapped network is its IPv4 network");
        assertEquals("127.0.0.1/32", Cidr.parse(" 127.0.0.1 ").toString());
        assertEquals("0:0:0:0:0:0:0:1/128", Cidr.parse("::1").toString());
    }

    @Test
    void badNetworksAreOneLineAndNeverResolved() {
        assertEquals("'example.com' is not an IP address or CIDR network",
                assertThrows(PolicyException.class, () -> Cidr.parse("example.com")).getMessage());
        assertEquals("'10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?",
                assertThrows(PolicyException.class, () -> Cidr.parse("10.0.0.1/8")).getMessage());
        assertEquals("'10.0.0.0/33': the prefix length must be 0 to 32",
                assertThrows(PolicyException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
        assertThrows(PolicyException.class, () -> Cidr.parse("010.0.0.0/8"), "octal-looking");
        assertThrows(PolicyException.class, () -> Cidr.parse("256.0.0.0/8"));
        assertThrows(PolicyException.class, () -> Cidr.parse("1:2:3:4:5:6:7:8:9"));
        assertThrows(PolicyException.class, () -> Cidr.parse("fe80::1%1"));
        assertThrows(PolicyException.class, () -> Cidr.parse("10.0.0.0/-1"));
    }

    @Test
    void denyWinsAndAnAllowListRefusesTheRest() throws Exception {
        IpRules rules = new IpRules(IpRules.parseList("allow", "10.0.0.0/8, 2001:db8::/32"), IpRules.parseList("deny", "10.9.0.0/16"));
        assertTrue(rules.permits(ip("10.1.1.1")));
        assertFalse(rules.permits(ip("10.9.1.1")));
        assertFalse(rules.permits(ip("192.168.0.1")));
        assertTrue(rules.permits(ip("2001:db8::5")));
        IpRules denyOnly = new IpRules(List.of(), IpRules.parseList("deny", "127.0.0.0/8"));
        assertFalse(denyOnly.permits(ip("127.0.0.1")));
        assertFalse(denyOnly.permits(mapped("127.0.0.1")));
        assertTrue(denyOnly.permits(ip("::1")));
        assertEquals("allow-cidr: 'x' is not an IP address or CIDR network",
                assertThrows(PolicyException.class, () -> IpRules.parseList("allow-cidr", "10.0.0.0/8,x")).getMessage());
        assertEquals("deny: no network given", assertThrows(PolicyException.class, () -> IpRules.parseList("deny", " , ")).getMessage());
    }
}
