package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The dashboard's file names on arbitrary input (what follows {@code /ui/}): a file is found only
 * for a plain name with no dot-segment, else null, never an exception. Seeds:
 * src/test/resources/io/loomtunnel/internal/admin/DashboardAssetsFuzzTestInputs/find/.
 */
class DashboardAssetsFuzzTest {
    private static final DashboardAssets ASSETS = DashboardAssets.fromJar();

    @FuzzTest
    void find(byte[] data) throws IOException {
        String name = new String(data, StandardCharsets.UTF_8);
        DashboardAssets.Asset a = ASSETS.find(name);
        if (a != null) {
            assertFalse(name.contains("..") || name.startsWith("/") || name.contains("//") || name.contains("\\"), name);
            assertTrue(a.bytes().length > 0, name);
        }
    }
}
