package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Prefix and regex rewrites of a target's path, query kept, and redirects built on them. */
class PathRewriteTest {
    @Test
    void prefixMatchesWholeSegments() {
        PathRewrite api = PathRewrite.prefix("/api", "/");
        assertEquals("/users?id=1", api.apply("/api/users?id=1"));
        assertEquals("/", api.apply("/api"));
        assertNull(api.apply("/apix/users"));
        assertNull(api.apply("/other"));
        assertEquals("/v2/users", PathRewrite.prefix("/api/", "/v2").apply("/api/users"));
        assertEquals("/app/x", PathRewrite.prefix("/", "/app").apply("/x"));
    }

    @Test
    void regexReplacesTheFirstMatch() {
        PathRewrite r = PathRewrite.regex("^/user/(\\d+)$", "/users?id=$1");
        assertEquals("/users?id=42", r.rewrite("/user/42"));
        assertNull(r.apply("/user/x"));
        assertEquals("bad regular expression '(': Unclosed group",
                assertThrows(PolicyException.class, () -> PathRewrite.regex("(", "x")).getMessage());
        assertThrows(PolicyException.class, () -> PathRewrite.regex("^/a", "b").apply("/a"), "no leading slash");
        assertThrows(PolicyException.class, () -> PathRewrite.regex("^/a", "/$2").apply("/a"), "no such group");
    }

    @Test
    void redirectsKeepTheQuery() {
        Redirect r = new Redirect(PathRewrite.prefixToLocation("/old", "https://example.com/new"), 308);
        assertEquals("https://example.com/new/page?q=1", r.location("/old/page?q=1"));
        assertNull(r.location("/other"));
        assertEquals(308, r.status());
        assertEquals("/login?next=1", new Redirect(PathRewrite.regex("^/signin$", "/login?next=1"), 302).location("/signin?x=2"));
        assertEquals("a redirect's status must be 301, 302, 307 or 308, got 303",
                assertThrows(PolicyException.class, () -> new Redirect(PathRewrite.prefix("/", "/"), 303)).getMessage());
    }
}
