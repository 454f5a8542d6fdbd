package dev.flowmeter.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and its ChromeDriver (packages {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs), headless, for browser tests. Both are found at their Debian paths, or where {@code CHROMIUM_BINARY} and
 * {@code CHROMEDRIVER} say; a machine without them has no browser, and its browser tests skip themselves. The
 * switches keep Chromium off the network (no updates, sync or background requests: this machine's network is closed),
 * and the browser's console is kept for the test to read.
 */
public final class Chromium {

    private static final Path DEBIAN_BINARY = Path.of("/usr/bin/chromium");
    private static final Path DEBIAN_DRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * Selenium looks for a DevTools (CDP) binding of the browser's version and warns when it has none; these tests
     * use WebDriver only, so there is nothing to bind. Held here so the logging system keeps the level set.
     */
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private Chromium() {
    }

    /** Why no browser test can run here, or empty when Chromium and ChromeDriver are both installed. */
    public static Optional<String> missing() {
        Path binary = binary();
        Path driver = driver();
        if (!Files.isExecutable(binary)) {
            return Optional.of("no Chromium at " + binary + " (Debian package chromium, or set CHROMIUM_BINARY)");
        }
        if (!Files.isExecutable(driver)) {
            return Optional.of("no ChromeDriver at " + driver + " (Debian package chromium-driver, or set"
                    + " CHROMEDRIVER)");
        }
        return Optional.empty();
    }

    /** Starts a headless Chromium with a fresh profile in {@code profile} and a window of the given size. */
    public static ChromeDriver start(Path profile, int width, int height) {
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary().toFile());
        options.addArguments(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver().toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static Path binary() {
        return Optional.ofNullable(System.getenv("CHROMIUM_BINARY")).map(Path::of).orElse(DEBIAN_BINARY);
    }

    private static Path driver() {
        return Optional.ofNullable(System.getenv("CHROMEDRIVER")).map(Path::of).orElse(DEBIAN_DRIVER);
    }
}
