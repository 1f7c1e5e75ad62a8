package io.loomtunnel.internal.tunnel;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed in reverse order after it: a field marked {@code @AutoClose}. */
public final class Closer implements AutoCloseable {
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Closes {@code c} after the test; returns it. */
    public <T extends AutoCloseable> T add(T c) {
        opened.add(c);
        return c;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }
}
