package io.loomtunnel.internal.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads a client's token file: the first line that is not blank or a {@code #} comment is the
 * token. Like a key file it must not be readable by group or others.
 */
public final class TokenFile {
    private TokenFile() {}

    public static String read(Path file) {
        ConfigFiles.requireOwnerOnly(file);
        return parse(file.toString(), ConfigFiles.readText(file));
    }

    static String parse(String name, String text) {
        List<GrantFile.Line> lines = GrantFile.lines(text);
        if (lines.isEmpty()) {
            throw new ConfigException(name + ": no token in the file (it is empty or only comments)");
        }
        GrantFile.Line first = lines.get(0);
        if (!first.rest().isEmpty()) {
            // Likely a line copied from the server's tokens file; the ports are the server's business.
            throw new ConfigException(name + ":" + first.number() + ": expected the token alone, found more after it");
        }
        return first.credential();
    }
}
