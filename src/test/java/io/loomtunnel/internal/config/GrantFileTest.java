package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigTestFiles.ID_1;
import static io.loomtunnel.internal.config.ConfigTestFiles.ID_2;
import static io.loomtunnel.internal.config.ConfigTestFiles.secret;
import static io.loomtunnel.internal.config.ConfigTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.server.Grant;
import io.loomtunnel.tunnel.PortRanges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GrantFileTest {
    @TempDir Path dir;

    @Test
    void tokensWithCommentsBlankLinesAndPorts() throws IOException {
        Path file = secret(dir, "tokens.txt", """
                # CI runners
                s3cret 10000-20000,30000

                  plain\t
                with#hash 8000 - 8010, 9000   # trailing comment
                """);
        assertEquals(List.of(
                new Grant("s3cret", PortRanges.parse("10000-20000,30000")),
                new Grant("plain", null),
                new Grant("with#hash", PortRanges.parse("8000-8010,9000"))), GrantFile.readTokens(file));
    }

    @Test
    void hostsMayFollowTheCredentialBeforeOrAfterThePorts() throws IOException {
        Path file = secret(dir, "tokens.txt", """
                shop   hosts=shop,*.Shop.Example.org   # the shop team
                both   2222 hosts=blog.example.org
                first  hosts=* 10000-10010
                """);
        assertEquals(List.of(
                new Grant("shop", null, List.of("shop", "*.shop.example.org")),
                new Grant("both", PortRanges.parse("2222"), List.of("blog.example.org")),
                new Grant("first", PortRanges.parse("10000-10010"), List.of("*"))), GrantFile.readTokens(file));
    }

    @Test
    void keysAreCheckedAndNormalized() throws IOException {
        Path file = write(dir, "authorized_keys", ID_1.toUpperCase() + "\r\n" + ID_2 + " 2222 # laptop\r\n");
        assertEquals(List.of(new Grant(ID_1, null), new Grant(ID_2, PortRanges.parse("2222"))), GrantFile.readKeys(file));
    }

    @Test
    void anEmptyFileGrantsNothing() throws IOException {
        assertEquals(List.of(), GrantFile.readTokens(secret(dir, "tokens.txt", "# none yet\n")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            one\\ntwo 1-2\\nthree abc          | tokens.txt:3: 'abc' is not a port list like 10000-20000,30000 (ports 1 to 65535)
            one 0-10                           | tokens.txt:1: '0-10' is not a port list like 10000-20000,30000 (ports 1 to 65535)
            one\\n# c\\none 5                  | tokens.txt:3: the same token as line 1
            one hosts=a..b                     | tokens.txt:1: 'a..b' is not a host pattern (a name, a domain, *.DOMAIN or *)
            one hosts=                         | tokens.txt:1: '' is not a host pattern (a name, a domain, *.DOMAIN or *)
            one hosts=*.* 1                    | tokens.txt:1: '*.*' is not a host pattern (a name, a domain, *.DOMAIN or *)
            one hosts=a hosts=b                | tokens.txt:1: hosts= is given twice
            """)
    void badTokenLines(String text, String message) throws IOException {
        Path file = secret(dir, "tokens.txt", text.replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> GrantFile.readTokens(file));
        assertEquals(dir + "/" + message, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            abc                                | authorized_keys:1: peer id must be 52 base32 characters, got 3
            g3lokvwndanvrb2r7absyxlqzdf4on3eicjgfcuajc5zrgvrtuwa\\nG3LOKVWNDANVRB2R7ABSYXLQZDF4ON3EICJGFCUAJC5ZRGVRTUWA | authorized_keys:2: the same key id as line 1
            """)
    void badKeyLines(String text, String message) throws IOException {
        Path file = write(dir, "authorized_keys", text.replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> GrantFile.readKeys(file));
        assertEquals(dir + "/" + message, e.getMessage());
    }

    @Test
    void aTokensFileOthersMayAccessIsRefused() throws IOException {
        Path file = write(dir, "tokens.txt", "s3cret\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-----w-"));
        ConfigException e = assertThrows(ConfigException.class, () -> GrantFile.readTokens(file));
        assertEquals(file + ": holds secrets but is accessible by others (mode 0602); run chmod 600 " + file, e.getMessage());
    }

    @Test
    void tokenFileTakesTheFirstTokenLine() throws IOException {
        assertEquals("s3cret", TokenFile.read(secret(dir, "token.txt", "# for ci\n\n  s3cret  # the token\nlater\n")));
    }

    @Test
    void tokenFileRefusesAPortList() throws IOException {
        Path file = secret(dir, "token.txt", "\ns3cret 1000-2000\n");
        assertEquals(file + ":2: expected the token alone, found more after it",
                assertThrows(ConfigException.class, () -> TokenFile.read(file)).getMessage());
    }

    @Test
    void binaryOrHugeFilesAreRefused() throws IOException {
        Path binary = dir.resolve("bin");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 'a'});
        assertEquals(binary + ": not UTF-8 text", assertThrows(ConfigException.class, () -> GrantFile.readKeys(binary)).getMessage());
        Path huge = dir.resolve("huge");
        Files.write(huge, new byte[ConfigFiles.MAX_BYTES + 1]);
        assertEquals(huge + ": larger than 1 MiB", assertThrows(ConfigException.class, () -> GrantFile.readKeys(huge)).getMessage());
    }
}
