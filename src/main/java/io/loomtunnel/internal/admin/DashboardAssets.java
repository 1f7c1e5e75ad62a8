package io.loomtunnel.internal.admin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The dashboard's files, read from the jar ({@code io/loomtunnel/dashboard/}): the page at
 * {@code GET /} and its assets at {@code /ui/NAME}. Only names of plain segments ({@code
 * app.js}, {@code img/logo.svg}; no segment starting with a dot, so no {@code ..}) with a known
 * type are looked up; anything else is not found, whatever the classpath holds.
 */
final class DashboardAssets {
    /** Where the page's files are on the classpath. */
    static final String ROOT = "io/loomtunnel/dashboard/";
    static final String PAGE = "index.html";
    private static final int MAX_SIZE = 4 * 1024 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}){0,3}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    /** A file and its Content-Type. */
    record Asset(byte[] bytes, String type) {}

    private final ClassLoader loader;
    private final String root;

    DashboardAssets(ClassLoader loader, String root) {
        this.loader = loader;
        this.root = root;
    }

    static DashboardAssets fromJar() {
        return new DashboardAssets(DashboardAssets.class.getClassLoader(), ROOT);
    }

    /** The file at {@code name} (relative to the root, as after {@code /ui/}), or null when there is none or the name is not one. */
    Asset find(String name) throws IOException {
        if (name == null || !NAME.matcher(name).matches()) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return null;
        }
        try (InputStream in = loader.getResourceAsStream(root + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readNBytes(MAX_SIZE + 1);
            return bytes.length > MAX_SIZE ? null : new Asset(bytes, type);
        }
    }
}
