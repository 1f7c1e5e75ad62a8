package io.loomtunnel.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientExit;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.Closer;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may claim an HTTP host (issue 11, finding 10), over real sockets: a host its client left is
 * kept for that client's principal, not handed to whoever asks next.
 */
@Timeout(60)
class HostClaimTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    @AutoClose
    final Closer closer = new Closer();

    /** A local web app that answers every request with {@code text}. */
    private int webApp(String text) throws IOException {
        int[] port = new int[1];
        closer.add(EchoServers.web(text, port));
        return port[0];
    }

    private TunnelServer server(ServerSettings.Builder b) throws IOException {
        return closer.add(TunnelServer.start(b.bind(new InetSocketAddress(LOOPBACK, 0)).keyFile(dir.resolve("server.key"))
                .http(new InetSocketAddress(LOOPBACK, 0), "localhost").build(), ServerEvents.NONE));
    }

    private TunnelClient client(TunnelServer s, String token, String host, int app) throws IOException {
        return closer.add(TunnelClient.start(ClientSettings.builder(s.controlAddress(), s.id()).token(token).reconnect(false)
                .tunnel(TunnelSpec.http("web", host, "127.0.0.1", app)).build(), ClientEvents.NONE));
    }

    @Test
    void aHostItsClientLeftIsKeptForThatPrincipal() throws Exception {
        TunnelServer s = server(ServerSettings.builder().token("alice-token").token("mallory-token"));
        servedThenLeft(s, "alice-token", "shop", "502");

        TunnelClient mallory = client(s, "mallory-token", "shop", webApp("mallory's shop"));
        IOException taken = assertThrows(IOException.class, () -> mallory.awaitReady(WAIT), "another principal cannot take the host");
        assertTrue(taken.getMessage().contains("kept for the client that served it"), taken.getMessage());
        assertEquals(ClientExit.TUNNEL_REFUSED, mallory.awaitExit().code());
        assertTrue(Probes.httpGet(s.httpPort(), "shop.localhost", "/").startsWith("HTTP/1.1 502"), "still offline, not mallory's");

        client(s, "alice-token", "shop", webApp("alice's shop again")).awaitReady(WAIT);
        assertTrue(Probes.httpGet(s.httpPort(), "shop.localhost", "/").endsWith("alice's shop again"), "its principal gets it back");
    }

    @Test
    void grantsLimitTheHostsTheirClientsMayClaimAndCustomDomainsNeedOne() throws Exception {
        TunnelServer s = server(ServerSettings.builder().tokens(List.of(new Grant("plain-token", null), new Grant("shop-token", null, List.of("*.shop.example.org")))));
        int app = webApp("ok");
        try (TunnelClient shop = client(s, "shop-token", "eu.shop.example.org", app)) {
            shop.awaitReady(WAIT);
            assertTrue(Probes.httpGet(s.httpPort(), "eu.shop.example.org", "/").endsWith("ok"));
        }
        assertRefused(client(s, "shop-token", "bank.example.com", app), "host bank.example.com is not allowed (allowed: *.shop.example.org)");
        assertRefused(client(s, "shop-token", "web", app), "host web.localhost is not allowed");
        assertRefused(client(s, "plain-token", "bank.example.com", app), "host bank.example.com is not allowed (allowed: *.localhost)");
        try (TunnelClient plain = client(s, "plain-token", "web", app)) {
            plain.awaitReady(WAIT); // names under the server's domain: the default
        }
    }

    @Test
    void aHostGrantsNameIsReservedForThemAndPassesBetweenThem() throws Exception {
        TunnelServer s = server(ServerSettings.builder().tokens(List.of(new Grant("alice-token", null, List.of("shop", "*.localhost")),
                new Grant("bob-token", null, List.of("shop")), new Grant("mallory-token", null, List.of("*")))));
        int app = webApp("ok");
        assertRefused(client(s, "mallory-token", "shop", app), "host shop.localhost is reserved for another client");

        servedThenLeft(s, "alice-token", "shop", "502");
        client(s, "bob-token", "shop", webApp("bob's shop")).awaitReady(WAIT); // shop is named for bob too: the hold does not keep it from him
        assertTrue(Probes.httpGet(s.httpPort(), "shop.localhost", "/").endsWith("bob's shop"));
    }

    @Test
    void afterTheHoldTheHostIsForgottenAndFreeForAnyoneAllowed() throws Exception {
        TunnelServer s = server(ServerSettings.builder().token("alice-token").token("bob-token").httpHostHold(Duration.ofSeconds(1)));
        servedThenLeft(s, "alice-token", "shop", "404"); // the hold is over: unknown
        client(s, "bob-token", "shop", webApp("bob's shop")).awaitReady(WAIT);
        assertTrue(Probes.httpGet(s.httpPort(), "shop.localhost", "/").endsWith("bob's shop"));
    }

    /** A client of {@code token} serves {@code host}, then leaves; returns once the host answers {@code status}. */
    private void servedThenLeft(TunnelServer s, String token, String host, String status) throws Exception {
        TunnelClient c = client(s, token, host, webApp("served by " + token));
        c.awaitReady(WAIT);
        assertTrue(Probes.httpGet(s.httpPort(), host + ".localhost", "/").endsWith("served by " + token));
        c.close();
        Probes.eventually(WAIT, "the departed client's host answers " + status,
                () -> Probes.httpGet(s.httpPort(), host + ".localhost", "/").startsWith("HTTP/1.1 " + status));
    }

    private static void assertRefused(TunnelClient c, String reason) throws InterruptedException {
        IOException refused = assertThrows(IOException.class, () -> c.awaitReady(WAIT));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }
}
