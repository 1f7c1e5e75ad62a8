package io.loomtunnel.internal.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.loomtunnel.internal.files.SecretFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Reads the files a config involves: small regular files only, secrets only when private, TOML. */
final class ConfigFiles {
    /** Config, token and grant files are small; a cap keeps a wrong path (a log, a device) harmless. */
    static final int MAX_BYTES = 1 << 20;

    private static final TomlMapper TOML = new TomlMapper();

    private ConfigFiles() {}

    static byte[] read(Path file) {
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
                throw new ConfigException(file + ": not a regular file");
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new ConfigException(file + ": larger than 1 MiB");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** The file as UTF-8 text. */
    static String readText(Path file) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(read(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        }
    }

    /** Like ssh and our key files: a file of secrets that others may read is refused, not used. */
    static void requireOwnerOnly(Path file) {
        String exposure;
        try {
            exposure = SecretFile.exposure(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (exposure != null) {
            throw new ConfigException(file + ": holds secrets but is " + exposure + "; run chmod 600 " + file);
        }
    }

    /** The top-level table of a TOML document. */
    static ObjectNode toml(Path file, byte[] content) {
        JsonNode root;
        try {
            root = TOML.readTree(content);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String line = at == null || at.getLineNr() < 1 ? "" : " line " + at.getLineNr() + ":";
            throw new ConfigException(file + ":" + line + " not valid TOML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        return root instanceof ObjectNode table ? table : TOML.createObjectNode();
    }

    private static ConfigException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new ConfigException(file + ": no such file");
        }
        if (e instanceof AccessDeniedException) {
            return new ConfigException(file + ": permission denied");
        }
        return new ConfigException(file + ": cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
}
