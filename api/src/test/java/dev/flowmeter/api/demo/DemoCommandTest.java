package dev.flowmeter.api.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The demo command's options are checked as import-git's are: status 2 and a line naming the option. */
class DemoCommandTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @TempDir
    Path work;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
    }

    @Test
    void shouldRefuseAServerThatIsNotAnHttpUrl() {
        assertThat(new CommandLine(new DemoCommand()).execute("--server", "ftp://example.com")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("demo: --server: 'ftp://example.com' is not an "
                + "http:// or https:// URL such as http://localhost:7070" + System.lineSeparator());
    }

    @Test
    void shouldRefuseATokenFileThatHoldsNoTokenWithoutQuotingIt() throws Exception {
        Path spaced = Files.writeString(work.resolve("token"), "two words\n");
        assertThat(new CommandLine(new DemoCommand()).execute("--token-file", spaced.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("demo: --token-file: the token has spaces")
                .doesNotContain("two words");
        Path missing = work.resolve("missing");
        assertThat(new CommandLine(new DemoCommand()).execute("--token-file", missing.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("demo: --token-file: " + missing + " does not exist");
    }
}
