package dev.flowmeter.api.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The repository the tests run in, and the tools they call: the top directory is found from the module directory
 * Maven runs the tests in, and a tool from the PATH, so no machine's paths are written into a test.
 */
public final class Repository {

    private Repository() {
    }

    /** The nearest directory above the working directory that holds the Maven Wrapper and the parent POM. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("api"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository (mvnw, pom.xml and api/) above " + Path.of("").toAbsolutePath());
    }

    /** The executable called {@code name} in a directory of the PATH, if there is one. */
    public static Optional<Path> executable(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(File.pathSeparator)) {
            if (folder.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(folder, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
