package io.loomtunnel.session;

import io.loomtunnel.mux.MuxConfig;
import io.loomtunnel.tls.TlsConfig;

/**
 * Settings for setting up sessions: TLS (back-end, handshake timeout) and the multiplexer. The
 * handshake timeout bounds the whole set-up: TCP connect, TLS, preambles and hello.
 *
 * @param tls the handshake's settings
 * @param mux the multiplexer's settings
 */
public record SessionOptions(TlsConfig tls, MuxConfig mux) {
    /**
     * The defaults of both.
     *
     * @return the options
     */
    public static SessionOptions defaults() {
        return new SessionOptions(TlsConfig.defaults(), MuxConfig.defaults());
    }

    /**
     * The same, with other TLS settings.
     *
     * @param t the TLS settings
     * @return new options
     */
    public SessionOptions withTls(TlsConfig t) {
        return new SessionOptions(t, mux);
    }

    /**
     * The same, with other multiplexer settings.
     *
     * @param m the multiplexer settings
     * @return new options
     */
    public SessionOptions withMux(MuxConfig m) {
        return new SessionOptions(tls, m);
    }
}
