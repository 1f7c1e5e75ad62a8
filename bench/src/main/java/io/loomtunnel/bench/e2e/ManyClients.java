package io.loomtunnel.bench.e2e;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory scenario's many small clients in one process, since a JVM per client would not fit the
 * machine: each a library {@link TunnelClient} with a session of its own, as a separate process would
 * have. {@code ManyClients CONTROL_PORT SERVER_ID TOKEN_FILE CLIENTS TUNNELS_EACH LOCAL_PORT} prints
 * {@code ready C clients, T tunnels} and keeps them until it is killed.
 */
public final class ManyClients {
    private ManyClients() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(Echo.LOOPBACK, Integer.parseInt(args[0]));
        PeerId serverId = PeerId.parse(args[1]);
        String token = TokenFile.read(Path.of(args[2]));
        int clients = Integer.parseInt(args[3]);
        int tunnelsEach = Integer.parseInt(args[4]);
        int local = Integer.parseInt(args[5]);
        List<TunnelClient> started = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            ClientSettings.Builder b = ClientSettings.builder(server, serverId).token(token);
            for (int t = 0; t < tunnelsEach; t++) {
                b.tunnel(TunnelSpec.tcp("c" + c + "-t" + t, 0, "127.0.0.1", local));
            }
            started.add(TunnelClient.start(b.build(), ClientEvents.NONE));
        }
        int tunnels = 0;
        for (TunnelClient client : started) {
            tunnels += client.awaitReady(Duration.ofSeconds(120)).size();
        }
        System.out.printf("ready %d clients, %d tunnels%n", started.size(), tunnels);
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
