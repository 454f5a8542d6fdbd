package dev.flowmeter.api.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's top directory, found from the module directory the tests run in, so no path is hard-coded. */
final class RepoRoot {

    private RepoRoot() {
    }

    static Path find() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no directory with docker-compose.yml and mvnw above "
                + Path.of("").toAbsolutePath());
    }
}
