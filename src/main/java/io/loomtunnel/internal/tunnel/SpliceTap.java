package io.loomtunnel.internal.tunnel;

/**
 * Sees the bytes a {@link Splice} forwards, without changing or holding them: the request
 * inspector's view of an HTTP tunnel's stream. Each direction is called on its own splice thread,
 * always in order; a tap must return quickly, never block and never throw.
 */
public interface SpliceTap {
    /** No tap: what a splice without an observer uses. */
    SpliceTap NONE = new SpliceTap() {
        @Override
        public void toService(byte[] b, int off, int len) { }

        @Override
        public void fromService(byte[] b, int off, int len) { }

        @Override
        public void ended(boolean clean) { }
    };

    /**
     * Bytes from the far side on their way to the service, seen just before they are written to it
     * (so a request is always seen before the service can answer it).
     */
    void toService(byte[] b, int off, int len);

    /** Bytes from the service, seen just after they were forwarded to the far side. */
    void fromService(byte[] b, int off, int len);

    /** Both directions ended: cleanly, or aborted. */
    void ended(boolean clean);
}
