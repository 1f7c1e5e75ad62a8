package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The admin endpoint's request parser on arbitrary method, path, query and body: each request
 * is understood (with what its action needs) or refused with 400 or 404 and one line, never
 * another exception. Seeds: src/test/resources/io/loomtunnel/internal/admin/AdminRequestFuzzTestInputs/parse/.
 */
class AdminRequestFuzzTest {
    private static final String[] METHODS = {"GET", "POST", "DELETE", "PUT", "HEAD"};

    @FuzzTest
    void parse(FuzzedDataProvider d) {
        String method = METHODS[d.consumeInt(0, METHODS.length - 1)];
        String path = d.consumeString(200);
        String query = d.consumeBoolean() ? null : d.consumeString(100);
        byte[] body = d.consumeRemainingAsBytes();
        AdminRequest r;
        try {
            r = AdminRequest.parse(method, path, query, body);
        } catch (AdminException e) {
            assertTrue(e.httpStatus() == AdminException.BAD_REQUEST || e.httpStatus() == AdminException.NOT_FOUND,
                    "status " + e.httpStatus());
            assertFalse(e.getMessage().isEmpty());
            if (!path.contains("\n") && !path.contains("\r")) {
                assertEquals(1, e.getMessage().lines().count(), () -> "one line: " + e.getMessage());
            }
            return;
        }
        switch (r.action()) {
            case KICK, CLOSE, LOGIN -> assertNotNull(r.subject());
            case LOGIN_LINK -> assertEquals("POST", method);
            case OPEN -> {
                assertNotNull(r.type());
                assertNotNull(r.spec());
            }
            case LOGS -> assertTrue(r.lines() >= 0);
            default -> assertEquals("GET", method);
        }
    }
}
