package io.loomtunnel.internal.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomtunnel.internal.policy.PolicyRegistry;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicySpec;
import java.nio.file.Path;
import java.util.List;

/**
 * The policy config parser on arbitrary bytes as a TOML file: its {@code policies} array read as
 * declared policies, then made into a chain (with the test policies of the test class path), ends
 * with a chain or a one-line error naming the file, never another exception. Seeds:
 * src/test/resources/io/loomtunnel/internal/config/PolicyConfigFuzzTestInputs/policies/.
 */
class PolicyConfigFuzzTest {
    private static final Path FILE = Path.of("/nonexistent/server.toml");

    @FuzzTest
    void policies(byte[] toml) throws PolicyConfigException {
        try {
            ObjectNode root = ConfigFiles.toml(FILE, toml);
            JsonNode node = root.get("policies");
            if (node == null) {
                return;
            }
            List<PolicySpec> specs = Value.ofToml(FILE, "policies", node).policies();
            PolicyRegistry.load(null).chain(specs).close();
            PolicyRegistry.load(null).remoteChain(specs).close();
        } catch (ConfigException e) {
            oneLineNamingTheFile(e.getMessage());
        } catch (PolicyConfigException e) {
            oneLineNamingTheFile(e.getMessage());
        }
    }

    private static void oneLineNamingTheFile(String m) {
        assertTrue(m.startsWith(FILE + ":"), () -> "does not name the file: " + m);
        assertFalse(m.lines().count() > 1 || m.chars().anyMatch(Character::isISOControl), () -> "not one line: " + m);
    }
}
