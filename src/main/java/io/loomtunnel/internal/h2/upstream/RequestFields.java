package io.loomtunnel.internal.h2.upstream;

import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.http.Http1Requests;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HTTP/1.1 request head from the tunnel as an HTTP/2 header list for the local service (RFC
 * 9113 8.3.1): {@code :method}, {@code :scheme http}, {@code :authority} from {@code Host},
 * {@code :path} from the target, then the fields with lowercase names, less the
 * connection-specific ones (RFC 9113 8.2.2: Connection and what it names, Keep-Alive,
 * Proxy-Connection, Transfer-Encoding, Upgrade, HTTP2-Settings, and TE other than
 * {@code trailers}, which gRPC services expect).
 */
final class RequestFields {
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "http2-settings", "host", "te");

    private RequestFields() {
    }

    static List<HeaderField> of(Http1Requests.Head head) {
        String authority = null;
        for (HeaderField f : head.fields()) {
            if (f.name().equalsIgnoreCase("host")) {
                authority = f.value();
                break;
            }
        }
        List<HeaderField> out = new ArrayList<>(head.fields().size() + 4);
        out.add(new HeaderField(":method", head.method()));
        out.add(new HeaderField(":scheme", "http"));
        if (authority != null) {
            out.add(new HeaderField(":authority", authority));
        }
        out.add(new HeaderField(":path", head.target()));
        if (head.trailers()) {
            out.add(new HeaderField("te", "trailers"));
        }
        for (HeaderField f : head.fields()) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (!CONNECTION_SPECIFIC.contains(name) && !head.connectionOptions().contains(name)) {
                out.add(new HeaderField(name, f.value()));
            }
        }
        return out;
    }
}
