package io.loomtunnel.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Connections counted per source (an IPv4 address, an IPv6 /64) in a table of bounded size. */
class SourceLimitTest {
    @Test
    void aSourceGetsItsLimitAndAClosedSlotGivesItsPlaceBackOnce() throws Exception {
        SourceLimit limit = new SourceLimit(2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        SourceLimit.Slot first = limit.enter(a);
        assertNotNull(limit.enter(a));
        assertNull(limit.enter(a), "a third connection from one source");
        assertNotNull(limit.enter(InetAddress.getByName("192.0.2.2")), "another source");
        first.close();
        first.close(); // again: nothing
        assertNotNull(limit.enter(a));
        assertNull(limit.enter(a), "a slot closed twice gave back one place");
    }

    @Test
    void anIpv6SourceIsItsSlash64() throws Exception {
        SourceLimit limit = new SourceLimit(1);
        assertNotNull(limit.enter(InetAddress.getByName("2001:db8:1:2::1")));
        assertNull(limit.enter(InetAddress.getByName("2001:db8:1:2:ffff::9")), "the same /64");
        assertNotNull(limit.enter(InetAddress.getByName("2001:db8:1:3::1")), "the next /64");
    }

    @Test
    void theTableHoldsOnlySourcesWithConnectionsOpenAndAtMostItsSize() throws Exception {
        SourceLimit limit = new SourceLimit(5, 3);
        List<SourceLimit.Slot> slots = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            slots.add(limit.enter(InetAddress.getByName("192.0.2." + i)));
        }
        assertNull(limit.enter(InetAddress.getByName("192.0.2.4")), "a new source while the table is full");
        assertNotNull(limit.enter(InetAddress.getByName("192.0.2.1")), "a known source still counts");
        slots.get(1).close();
        assertEquals(2, limit.sources());
        assertNotNull(limit.enter(InetAddress.getByName("192.0.2.4")), "room again");
    }
}
