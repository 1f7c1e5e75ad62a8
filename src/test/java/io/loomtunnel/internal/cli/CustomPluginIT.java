package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.EchoServers;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custom plugin of docs/PLUGINS.md, compiled from the page's own text at test time, packed in a
 * jar and loaded by {@code loomtunnel server --plugins DIR} as a server-wide policy: curl sees its
 * header, its 403, and its fault (a 500 for that request only, the next passes).
 */
@Timeout(120)
class CustomPluginIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void pluginJarFromTheDocsRunsOnTheServer() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        buildPluginJar(plugins.resolve("stamp.jar"));
        Path config = Files.writeString(dir.resolve("server.toml"),
                "policies = [{ type = \"stamp\", header = \"X-Served-By\", value = \"edge-1\" }]\n");
        int[] web = new int[1];
        try (Closeable app = EchoServers.web("hello from the app", web);
             ReverseTunnelIT.Server server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost",
                     "--config", config.toString(), "--plugins", plugins.toString());
             JarProcess client = ReverseTunnelIT.client(dir, server, "--http", "web:127.0.0.1:" + web[0])) {
            int httpPort = Integer.parseInt(server.process().await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
            client.await("http\\s+web\\s+http://web\\.localhost:" + httpPort, START);
            String url = "http://127.0.0.1:" + httpPort;

            String ok = curl("-i", "-H", "Host: web.localhost", url + "/");
            assertTrue(ok.startsWith("HTTP/1.1 200 "), ok);
            assertTrue(ok.contains("\r\nX-Served-By: edge-1\r\n"), ok);
            assertTrue(ok.endsWith("hello from the app"), ok);
            assertEquals("403", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: web.localhost", url + "/private/x"));
            assertEquals("500", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: web.localhost", url + "/fail"));
            server.process().await("policy stamp onRequest failed \\(threw java\\.lang\\.IllegalStateException: asked to fail\\)",
                    START);
            assertEquals("200", curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: web.localhost", url + "/after"));
        }
    }

    /** Compiles the java block of docs/PLUGINS.md against the fat jar and packs it with its services file. */
    private void buildPluginJar(Path jar) throws IOException {
        String page = Files.readString(Path.of("docs", "PLUGINS.md"));
        Matcher m = Pattern.compile("```java\n(package example;.*?)```", Pattern.DOTALL).matcher(page);
        assertTrue(m.find(), "docs/PLUGINS.md has the plugin's source");
        Path src = Files.createDirectories(dir.resolve("src/example")).resolve("StampProvider.java");
        Files.writeString(src, m.group(1));
        assertTrue(m.group(1).lines().count() < 60, "the plugin stays short");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-cp", JarProcess.jar(), "-d", classes.toString(), src.toString());
        assertEquals(0, rc, "the plugin compiles");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/io.loomtunnel.plugin.PolicyProvider"));
            out.write("example.StampProvider\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String(out, StandardCharsets.UTF_8);
    }
}
