package io.loomtunnel.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * What `mvn package` must leave for a release on Maven Central, and the licence every jar carries:
 * the pom's metadata, the sources and javadoc jars beside the jar, LICENSE and NOTICE in the fat
 * jar, and a NOTICE that names every component the fat jar bundles.
 */
class ReleaseArtifactsIT {
    private static final Path POM = Path.of("pom.xml");
    private static final Path LICENSE = Path.of("LICENSE");

    /** target/loomtunnel-VERSION, the prefix of the attached jars (pom.xml, failsafe's properties). */
    private static String artifact() {
        String a = System.getProperty("loomtunnel.artifact");
        assertNotNull(a, "run through `mvn verify` (the system property loomtunnel.artifact is missing)");
        return a;
    }

    @Test
    void pomHasWhatCentralRequires() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(POM.toFile());
        List<String> missing = new ArrayList<>();
        for (String path : List.of("name", "description", "url", "licenses/license/name", "licenses/license/url",
                "developers/developer/name", "scm/url", "scm/connection", "scm/developerConnection")) {
            String value = (String) XPathFactory.newInstance().newXPath()
                    .evaluate("/*[local-name()='project']/" + localNames(path), pom, XPathConstants.STRING);
            if (value.isBlank()) {
                missing.add(path);
            }
        }
        assertEquals(List.of(), missing, "pom.xml lacks what Maven Central requires");
        String licence = (String) XPathFactory.newInstance().newXPath()
                .evaluate("/*[local-name()='project']/" + localNames("licenses/license/name"), pom, XPathConstants.STRING);
        assertEquals("Apache-2.0", licence.strip());
    }

    @Test
    void sourcesAndJavadocJarsAreBuilt() throws IOException {
        try (JarFile sources = new JarFile(artifact() + "-sources.jar")) {
            assertNotNull(sources.getEntry("io/loomtunnel/Version.java"), "the sources jar holds the sources");
            assertNotNull(sources.getEntry("META-INF/LICENSE"), "the sources jar holds the licence");
        }
        try (JarFile javadoc = new JarFile(artifact() + "-javadoc.jar")) {
            assertNotNull(javadoc.getEntry("index.html"), "the javadoc jar holds the API docs");
            assertNotNull(javadoc.getEntry("io/loomtunnel/client/package-summary.html"), "an API package is documented");
            assertTrue(javadoc.stream().noneMatch(e -> e.getName().startsWith("io/loomtunnel/internal/")),
                    "internal packages are not API and are not documented");
        }
    }

    @Test
    void fatJarCarriesTheLicenceAndNamesWhatItBundles() throws IOException {
        String licence = Files.readString(LICENSE);
        assertTrue(licence.contains("Apache License") && licence.contains("Version 2.0, January 2004"), "LICENSE is Apache-2.0");
        try (JarFile fat = new JarFile(Path.of("target", "loomtunnel.jar").toFile())) {
            assertEquals(licence, text(fat, "META-INF/LICENSE"), "the fat jar's LICENSE is ours");
            String notice = text(fat, "META-INF/NOTICE");
            assertTrue(notice.contains(Files.readString(Path.of("NOTICE")).strip()), "our NOTICE, merged with the bundled ones'");
            TreeSet<String> unnamed = new TreeSet<>();
            fat.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("META-INF/maven/") && n.endsWith("/pom.properties"))
                    .map(n -> n.split("/")[2])
                    .filter(group -> !group.equals("io.loomtunnel") && !namedIn(notice, group))
                    .forEach(unnamed::add);
            assertEquals(new TreeSet<>(), unnamed, "groups bundled in the fat jar that NOTICE does not name");
        }
    }

    /** NOTICE names the group or the group's parent (io.prometheus for io.prometheus.metrics), at least two levels deep. */
    private static boolean namedIn(String notice, String group) {
        for (String g = group; g.chars().filter(c -> c == '.').count() >= 1; g = g.substring(0, g.lastIndexOf('.'))) {
            if (notice.contains("(" + g)) {
                return true;
            }
        }
        return false;
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        assertNotNull(e, name + " is in " + jar.getName());
        return new String(jar.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String localNames(String path) {
        StringBuilder sb = new StringBuilder();
        for (String step : path.split("/")) {
            sb.append(sb.isEmpty() ? "" : "/").append("*[local-name()='").append(step).append("']");
        }
        return sb.toString();
    }
}
