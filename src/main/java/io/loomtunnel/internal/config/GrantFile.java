package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigException.quote;

import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.server.Grant;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.PortRanges;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Reads a server's tokens file or authorized-keys file: one credential a line, optionally followed
 * by the ports it may use and the HTTP hosts it may claim ({@code s3cret 10000-20000,30000
 * hosts=shop,*.dev.example.org}); blank lines and {@code #} comments are skipped. Errors name the
 * file and line ({@code tokens.txt:3: …}) and never quote a token.
 */
public final class GrantFile {

    /** One line that holds a credential: its number, the credential, and what follows it (ports). */
    record Line(int number, String credential, String rest) {}

    /** What a file grants: tokens (secrets, never quoted) or client key ids. */
    enum Kind {
        TOKENS("token", UnaryOperator.identity()),
        KEYS("key id", text -> PeerId.parse(text).value());

        private final String noun;
        private final UnaryOperator<String> check;

        Kind(String noun, UnaryOperator<String> check) {
            this.noun = noun;
            this.check = check;
        }
    }

    private static final String HOSTS = "hosts=";

    private GrantFile() {}

    /** A tokens file; like a key file it must not be readable by group or others. */
    public static List<Grant> readTokens(Path file) {
        ConfigFiles.requireOwnerOnly(file);
        return parse(file.toString(), ConfigFiles.readText(file), Kind.TOKENS);
    }

    /** An authorized-keys file: client key ids (52 characters, {@code loomtunnel id}). */
    public static List<Grant> readKeys(Path file) {
        return parse(file.toString(), ConfigFiles.readText(file), Kind.KEYS);
    }

    static List<Grant> parse(String name, String text, Kind kind) {
        List<Grant> grants = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Line line : lines(text)) {
            String where = name + ":" + line.number() + ": ";
            String credential;
            try {
                credential = kind.check.apply(line.credential());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage());
            }
            Integer earlier = seen.putIfAbsent(credential, line.number());
            if (earlier != null) {
                throw new ConfigException(where + "the same " + kind.noun + " as line " + earlier);
            }
            grants.add(grant(where, credential, line.rest()));
        }
        return grants;
    }

    /** The lines that hold a credential: stripped, comments and blank lines left out. */
    static List<Line> lines(String text) {
        List<Line> out = new ArrayList<>();
        String[] raw = text.split("\\R", -1);
        for (int i = 0; i < raw.length; i++) {
            String line = raw[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = 0;
            while (space < line.length() && !Character.isWhitespace(line.charAt(space))) {
                space++;
            }
            // The credential is taken whole (a token may contain '#'); after it, '#' starts a comment.
            String rest = line.substring(space);
            int hash = rest.indexOf('#');
            out.add(new Line(i + 1, line.substring(0, space), (hash < 0 ? rest : rest.substring(0, hash)).strip()));
        }
        return out;
    }

    /** What follows a credential: {@code hosts=LIST} anywhere among its words, the rest a port list. */
    private static Grant grant(String where, String credential, String rest) {
        List<String> hosts = null;
        StringBuilder ports = new StringBuilder();
        for (String word : rest.isEmpty() ? new String[0] : rest.split("\\s+")) {
            if (!word.startsWith(HOSTS)) {
                ports.append(word);
            } else if (hosts != null) {
                throw new ConfigException(where + "hosts= is given twice");
            } else {
                try {
                    hosts = HostPatterns.parseList(word.substring(HOSTS.length()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where + e.getMessage());
                }
            }
        }
        return new Grant(credential, ports(where, ports.toString()), hosts);
    }

    private static PortRanges ports(String where, String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return PortRanges.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + quote(text) + " is not a port list like " + Value.PORTS_EXAMPLE);
        }
    }
}
