package dev.flowmeter.api.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flowmeter.api.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs Prometheus' and Alertmanager's own checkers over the shipped files in {@code prometheus/}: the configuration,
 * the rule files, the rules' unit tests and the Alertmanager routing. Fails, never skips, without the tools, so CI
 * cannot pass without having checked them.
 */
class PrometheusFilesTest {

    private static final Path ROOT = Repository.root();
    private static final Path PROMETHEUS = ROOT.resolve("prometheus");
    private static final long TIMEOUT_SECONDS = 120;

    @Test
    void shouldAcceptThePrometheusConfigurationWhenCheckedByPromtool() throws Exception {
        run("promtool", "check", "config", "prometheus/prometheus.yml");
    }

    @Test
    void shouldAcceptEveryRuleFileWhenCheckedByPromtool() throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool", "check", "rules"));
        command.addAll(yamlFiles("rules"));
        run(command.toArray(String[]::new));
    }

    @Test
    void shouldPassEveryRuleUnitTestWhenRunByPromtool() throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
        command.addAll(yamlFiles("tests"));
        run(command.toArray(String[]::new));
    }

    @Test
    void shouldAcceptTheAlertmanagerConfigurationWhenCheckedByAmtool() throws Exception {
        run("amtool", "check-config", "prometheus/alertmanager.yml");
    }

    /** Every {@code .yml} file of a folder under {@code prometheus/}, relative to the repository root, sorted. */
    private static List<String> yamlFiles(String folder) throws IOException {
        try (Stream<Path> files = Files.list(PROMETHEUS.resolve(folder))) {
            List<String> names = files.filter(file -> file.getFileName().toString().endsWith(".yml"))
                    .map(file -> ROOT.relativize(file).toString())
                    .sorted()
                    .collect(Collectors.toList());
            assertThat(names).as("YAML files in prometheus/%s", folder).isNotEmpty();
            return names;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Path tool = Repository.executable(command[0]).orElse(null);
        if (tool == null) {
            fail(command[0] + " is not on the PATH. It comes with Debian's packages prometheus (promtool) and "
                    + "prometheus-alertmanager (amtool), which .ci/run installs when missing; install them "
                    + "(apt-get install prometheus prometheus-alertmanager) or run .ci/run.");
        }
        command[0] = tool.toString();
        Path output = Files.createTempFile("flowmeter-" + tool.getFileName(), ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue())
                    .as("exit status of %s, run in %s; its output:%n%s", String.join(" ", command), ROOT, text)
                    .isZero();
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
