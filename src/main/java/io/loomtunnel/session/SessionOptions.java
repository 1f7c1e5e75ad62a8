package io.loomtunnel.session;

import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.tls.TlsConfig;

/**
 * Settings for setting up sessions: TLS (back-end, handshake timeout) and the multiplexer. The
 * handshake timeout bounds the whole set-up: TCP connect, TLS, preambles and hello.
 */
public record SessionOptions(TlsConfig tls, MuxConfig mux) {
    public static SessionOptions defaults() {
        return new SessionOptions(TlsConfig.defaults(), MuxConfig.defaults());
    }

    public SessionOptions withTls(TlsConfig t) {
        return new SessionOptions(t, mux);
    }

    public SessionOptions withMux(MuxConfig m) {
        return new SessionOptions(tls, m);
    }
}
