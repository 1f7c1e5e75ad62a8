package io.loomtunnel.internal.net;

import java.io.Closeable;
import java.io.IOException;

/** Closing what is being given up on anyway, where a failure to close has nothing left to tell. */
public final class Closeables {
    private Closeables() {}

    /** Closes {@code c}, ignoring an IOException: the caller is already ending or reporting another failure. */
    public static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
