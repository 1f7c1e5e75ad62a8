package io.loomtunnel.internal.http;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The header rewrites of the proxy: hop-by-hop fields out (RFC 9110 7.6.1), X-Forwarded-* in. */
final class ProxyHeaders {
    private static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "te", "trailer", "proxy-connection", "upgrade");
    /** Never dropped because Connection names them: losing a framing field would desynchronize the app. */
    private static final Set<String> PROTECTED = Set.of("host", "content-length", "transfer-encoding");

    private ProxyHeaders() {
    }

    /**
     * The request as the app sees it: hop-by-hop fields and Expect (the ingress answers 100-continue
     * itself) removed, X-Forwarded-For appended to, X-Forwarded-Proto and -Host replaced, and
     * {@code Connection: close} (each upstream carries one request) or {@code upgrade}.
     */
    static RequestHead forUpstream(RequestHead request, Authority authority, String clientIp, String scheme) {
        boolean upgrade = request.upgrade();
        Fields hopless = withoutHopByHop(request.fields(), upgrade);
        List<String> forwardedFor = hopless.values("X-Forwarded-For");
        String chain = forwardedFor.isEmpty() ? clientIp : String.join(", ", forwardedFor) + ", " + clientIp;
        Fields fields = hopless
                .without(f -> f.is("Expect") || f.is("X-Forwarded-For") || f.is("X-Forwarded-Proto") || f.is("X-Forwarded-Host"))
                .with("X-Forwarded-For", chain)
                .with("X-Forwarded-Proto", scheme)
                .with("X-Forwarded-Host", authority.original())
                .with("Connection", upgrade ? "upgrade" : "close");
        return new RequestHead(request.method(), request.target(), true, fields);
    }

    /**
     * The response as the client sees it: hop-by-hop fields removed (Upgrade kept on a 101),
     * Content-Length removed when Transfer-Encoding frames the body, Transfer-Encoding removed when
     * the body goes out decoded, and {@code connection} (when not null) as the Connection field.
     */
    static ResponseHead forClient(ResponseHead response, boolean decoded, String connection) {
        Fields fields = withoutHopByHop(response.fields(), response.status() == 101);
        if (response.fields().has("Transfer-Encoding")) {
            fields = fields.without(f -> f.is("Content-Length") || (decoded && f.is("Transfer-Encoding")));
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
