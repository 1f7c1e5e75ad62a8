package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigException.quote;

import io.loomtunnel.p2p.AllowList;
import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.tls.PeerId;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a sharing peer's allowed-peers file: one peer id a line ({@code loomtunnel id}),
 * optionally followed by the services it may reach, separated by commas or spaces (none: every
 * service); blank lines and {@code #} comments are skipped. Errors name the file and line.
 *
 * <pre>
 * # laptop: everything; build box: only ssh
 * mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpiydcmrtgq2a
 * nbswy3dpeb3w64tmmqqgk3tvnvzxi5lsmvzxi5lsmvzxi5lsmvzq  ssh
 * </pre>
 */
public final class AllowFile {
    private AllowFile() {}

    public static AllowList read(Path file) {
        return parse(file.toString(), ConfigFiles.readText(file));
    }

    static AllowList parse(String name, String text) {
        Map<PeerId, Set<String>> peers = new HashMap<>();
        Map<PeerId, Integer> lineOf = new HashMap<>();
        for (GrantFile.Line line : GrantFile.lines(text)) {
            String where = name + ":" + line.number() + ": ";
            PeerId id;
            try {
                id = PeerId.parse(line.credential());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage());
            }
            Set<String> services = new LinkedHashSet<>();
            for (String service : line.rest().split("[,\\s]+")) {
                if (service.isEmpty()) {
                    continue;
                }
                if (!SignedBody.SERVICE_NAME.matcher(service).matches()) {
                    throw new ConfigException(where + quote(service) + " is not a service name (lowercase letters, digits, '-')");
                }
                services.add(service);
            }
            Integer earlier = lineOf.putIfAbsent(id, line.number());
            if (earlier != null) {
                throw new ConfigException(where + "the same peer id as line " + earlier);
            }
            peers.put(id, services);
        }
        return new AllowList(peers);
    }
}
