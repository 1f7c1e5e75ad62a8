package io.loomtunnel.internal.https;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One certificate the HTTPS listener serves: its chain and its key as PEM files (one file may hold
 * both). It serves the names its leaf certificate covers.
 *
 * @param certificate the chain, leaf first
 * @param key the private key, unencrypted; the server warns when others may read it
 */
public record CertificateFiles(Path certificate, Path key) {
    public CertificateFiles {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
    }

}
