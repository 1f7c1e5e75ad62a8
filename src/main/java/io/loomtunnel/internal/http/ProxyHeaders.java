package io.loomtunnel.internal.http;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The header rewrites of the proxy: hop-by-hop fields out (RFC 9110 7.6.1), one Host and one framing field, X-Forwarded-* in. */
final class ProxyHeaders {
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "te", "trailer", "proxy-connection", "upgrade");
    /** Never dropped because Connection names them: losing a framing field would desynchronize the app. */
    private static final Set<String> PROTECTED = Set.of("host", "content-length", "transfer-encoding");
    /** The visitor's fields the ingress sets itself on the way to the app. */
    private static final Set<String> REPLACED = Set.of("host", "content-length", "transfer-encoding", "expect",
            "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host");

    private ProxyHeaders() {
    }

    /**
     * The request as the app sees it: the target in origin-form, {@code Host} the authority that
     * routed it (first); the visitor's framing fields replaced by {@code framing} (null: none);
     * hop-by-hop fields and Expect (the ingress answers 100-continue itself) removed;
     * X-Forwarded-For appended to, X-Forwarded-Proto and -Host replaced; and
     * {@code Connection: upgrade} for an upgrade, {@code TE: trailers} with {@code Connection: TE} when
     * the visitor said it takes trailers, else no Connection field: HTTP/1.1's keep-alive, so that
     * the upstream can carry the next request (docs/HTTP.md, "Pooled upstreams").
     */
    static RequestHead forUpstream(RequestHead request, RequestTarget target, Authority authority, Field framing,
            String clientIp, String scheme) {
        boolean upgrade = request.upgrade();
        Fields hopless = withoutHopByHop(request.fields(), upgrade);
        List<String> forwardedFor = hopless.values("X-Forwarded-For");
        String chain = forwardedFor.isEmpty() ? clientIp : String.join(", ", forwardedFor) + ", " + clientIp;
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Host", authority.original()));
        fields.addAll(hopless.without(f -> REPLACED.contains(f.name().toLowerCase(Locale.ROOT))).list());
        if (framing != null) {
            fields.add(framing);
        }
        Fields out = new Fields(fields)
                .with("X-Forwarded-For", chain)
                .with("X-Forwarded-Proto", scheme)
                .with("X-Forwarded-Host", authority.original());
        if (upgrade) {
            out = out.with("Connection", "upgrade");
        } else if (request.fields().tokens("TE").contains("trailers")) {
            // the visitor takes trailers (an h2 gRPC client says so), and the ingress relays them: the app may send them
            out = out.with("TE", "trailers").with("Connection", "TE");
        }
        return new RequestHead(request.method(), target.forUpstream(), true, out);
    }

    /**
     * The one framing field the app gets: the length of a body read whole before the app was
     * contacted (when the visitor framed one at all), else the visitor's framing, normalized.
     */
    static Field framing(RequestHead request, BodyFraming body, BodyPrefix prefix) {
        if (prefix.complete()) {
            boolean framed = request.fields().has("Content-Length") || request.fields().has("Transfer-Encoding");
            return framed ? new Field("Content-Length", Integer.toString(prefix.length())) : null;
        }
        return body.kind() == BodyFraming.Kind.CHUNKED
                ? new Field("Transfer-Encoding", "chunked")
                : new Field("Content-Length", Long.toString(body.length()));
    }

    /**
     * The response as the visitor sees it: hop-by-hop fields removed (Upgrade kept on a 101);
     * Content-Length removed when Transfer-Encoding frames the body, or made one field when it
     * does; Transfer-Encoding removed when the body goes out decoded; and {@code connection}
     * (when not null) as the Connection field.
     */
    static ResponseHead forClient(ResponseHead response, BodyFraming framing, boolean decoded, String connection) {
        Fields fields = withoutHopByHop(response.fields(), response.status() == 101);
        if (response.fields().has("Transfer-Encoding")) {
            fields = fields.without(f -> f.is("Content-Length") || (decoded && f.is("Transfer-Encoding")));
        } else if (framing.kind() == BodyFraming.Kind.LENGTH) {
            fields = fields.without(f -> f.is("Content-Length")).with("Content-Length", Long.toString(framing.length()));
        }
        if (connection != null) {
            fields = fields.with("Connection", connection);
        }
        return new ResponseHead(response.status(), response.reason(), fields);
    }

    private static Fields withoutHopByHop(Fields fields, boolean keepUpgrade) {
        Set<String> drop = new HashSet<>(HOP_BY_HOP);
        for (String named : fields.tokens("Connection")) {
            if (!PROTECTED.contains(named)) {
                drop.add(named);
            }
        }
        if (keepUpgrade) {
            drop.remove("upgrade");
        }
        return fields.without(f -> drop.contains(f.name().toLowerCase(Locale.ROOT)));
    }
}
