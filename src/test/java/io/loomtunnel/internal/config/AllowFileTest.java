package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.p2p.AllowList;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import org.junit.jupiter.api.Test;

class AllowFileTest {
    private final PeerId laptop = Identity.generate().id();
    private final PeerId buildBox = Identity.generate().id();

    @Test
    void idsWithAndWithoutServiceLists() {
        AllowList list = AllowFile.parse("peers.txt", "# who may connect\n" + laptop + "   # everything\n\n"
                + buildBox.value().toUpperCase() + "  ssh, web dns\r\n");
        assertTrue(list.allows(laptop, "anything"));
        assertTrue(list.allows(buildBox, "ssh") && list.allows(buildBox, "web") && list.allows(buildBox, "dns"));
        assertFalse(list.allows(buildBox, "db"));
        assertFalse(list.allows(Identity.generate().id()));
    }

    @Test
    void errorsNameFileAndLine() {
        assertEquals("peers.txt:2: peer id must be 52 base32 characters, got 5",
                assertThrows(ConfigException.class, () -> AllowFile.parse("peers.txt", laptop + "\nabcde\n")).getMessage());
        assertEquals("peers.txt:1: 'Web' is not a service name (lowercase letters, digits, '-')",
                assertThrows(ConfigException.class, () -> AllowFile.parse("peers.txt", laptop + " Web")).getMessage());
        assertEquals("peers.txt:3: the same peer id as line 1",
                assertThrows(ConfigException.class, () -> AllowFile.parse("peers.txt", laptop + "\n" + buildBox + "\n" + laptop)).getMessage());
    }
}
