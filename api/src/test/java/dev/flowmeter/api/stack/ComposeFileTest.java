package dev.flowmeter.api.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.flowmeter.api.testing.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Validates the shipped docker-compose.yml with docker-compose itself ({@code config -q} needs no Docker engine).
 * A missing docker-compose fails the test rather than skipping it: {@code .ci/run} installs Debian's package.
 */
class ComposeFileTest {

    private static final Path ROOT = Repository.root();
    private static final List<String> DEFAULT_SERVICES =
            List.of("kafka", "flowmeter", "prometheus", "alertmanager", "grafana");
    private static final List<String> SCALE_OUT_SERVICES =
            List.of("kafka-1", "kafka-2", "kafka-3", "flowmeter-1", "flowmeter-2");

    @Test
    void shouldAcceptTheComposeFileWhenValidatedByDockerCompose() {
        Result result = compose("config", "-q");

        assertThat(result.exitCode).as("docker-compose config -q said:%n%s", result.output).isZero();
    }

    @Test
    void shouldAcceptTheComposeFileWhenTheScaleOutProfileIsActive() {
        Result result = compose("--profile", "scale-out", "config", "-q");

        assertThat(result.exitCode).as("docker-compose --profile scale-out config -q said:%n%s", result.output)
                .isZero();
    }

    @Test
    void shouldPutOnlyTheScaleOutClusterInTheScaleOutProfileWhenTheFileIsResolved() {
        // docker-compose 1.29 lists every service whatever the profile, so read the profiles from the resolved file.
        Result resolved = compose("config");

        assertThat(resolved.exitCode).as(resolved.output).isZero();
        Map<String, String> services = serviceBlocks(resolved.output);
        assertThat(services.keySet()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(DEFAULT_SERVICES.stream(), SCALE_OUT_SERVICES.stream()).toList());
        DEFAULT_SERVICES.forEach(name -> assertThat(services.get(name)).as("service %s runs without a profile", name)
                .doesNotContain("profiles:"));
        SCALE_OUT_SERVICES.forEach(name -> assertThat(services.get(name)).as("service %s", name)
                .containsPattern("profiles:\\R\\s+- scale-out\\R"));
    }

    /** The resolved file's services, each name with its block of lines (two-space indented keys under services). */
    private static Map<String, String> serviceBlocks(String resolved) {
        Map<String, String> blocks = new LinkedHashMap<>();
        String current = null;
        boolean inServices = false;
        StringBuilder block = new StringBuilder();
        for (String line : resolved.split("\\R")) {
            if (!line.startsWith(" ")) {
                inServices = line.equals("services:");
                continue;
            }
            if (!inServices) {
                continue;
            }
            if (line.matches("  [A-Za-z0-9_.-]+:")) {
                if (current != null) {
                    blocks.put(current, block.toString());
                }
                current = line.trim().replace(":", "");
                block = new StringBuilder();
            } else {
                block.append(line).append('\n');
            }
        }
        if (current != null) {
            blocks.put(current, block.toString());
        }
        return blocks;
    }

    @Test
    void shouldMountGrafanaProvisioningThatExistsWhenComposeReferencesIt() {
        assertThat(ROOT.resolve("grafana/provisioning/datasources/prometheus.yml")).isRegularFile();
        assertThat(ROOT.resolve("grafana/provisioning/dashboards/flowmeter.yml")).isRegularFile();
        assertThat(ROOT.resolve("grafana/dashboards")).isDirectory();
        assertThat(ROOT.resolve("Dockerfile")).isRegularFile();
    }

    private static Result compose(String... args) {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", "docker-compose.yml"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        // The file's ${VARIABLE:-default}s must validate without anything set in the environment.
        builder.environment().keySet().removeIf(k -> k.startsWith("FLOWMETER_") || k.startsWith("COMPOSE_"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return fail("docker-compose is not installed, so docker-compose.yml cannot be validated. Install it "
                    + "(Debian: apt-get install docker-compose; .ci/run does this) and run the tests again. Cause: "
                    + e.getMessage());
        }
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return fail("docker-compose did not finish within 2 minutes: " + command);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("could not read docker-compose's output: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while docker-compose ran");
        }
    }

    private record Result(int exitCode, String output) {
    }
}
