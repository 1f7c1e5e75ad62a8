package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Only plain names under the dashboard's root, of known types, are ever looked up. */
class DashboardAssetsTest {
    private final DashboardAssets assets = DashboardAssets.fromJar();

    @Test
    void thePageAndItsAssetsHaveTheirTypes() throws Exception {
        assertEquals("text/html; charset=utf-8", assets.find(DashboardAssets.PAGE).type());
        assertEquals("text/javascript; charset=utf-8", assets.find("app.js").type());
        assertEquals("text/css; charset=utf-8", assets.find("app.css").type());
    }

    @Test
    void traversalAndUnknownNamesAreNotFound() throws Exception {
        // The classpath has these (relative to the root, as a careless join would resolve them): none may come out.
        DashboardAssets wide = new DashboardAssets(DashboardAssets.class.getClassLoader(), "io/loomtunnel/dashboard/");
        for (String name : List.of("../internal/admin/AdminServer.class", "../../../META-INF/MANIFEST.MF", "..", ".",
                "./app.js", "a/../app.js", "/app.js", "//app.js", "app.js/", "", "app", ".app.js", "app.js\u0000.css",
                "..\\app.js", "app.js?x", "app.class", "x/y/z/w/v.js", "%2e%2e/app.js", "app.JS.exe")) {
            assertNull(wide.find(name), name);
        }
        assertNull(assets.find(null));
        assertNotNull(assets.find("app.js"), "the same loader finds the real file");
    }
}
