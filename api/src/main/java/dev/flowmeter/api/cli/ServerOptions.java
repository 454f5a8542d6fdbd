package dev.flowmeter.api.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The two options every command that sends events shares, checked one way: {@code --server} (the server's base URL)
 * and the ingest token ({@code --token-file}, else {@code FLOWMETER_INGEST_TOKEN}). A bad value is an
 * {@link OptionException} naming the option; a token is never quoted in one.
 */
public final class ServerOptions {

    public static final String DEFAULT_SERVER = "http://localhost:7070";
    /** Where the ingest token comes from unless {@code --token-file} is given. */
    public static final String TOKEN_VARIABLE = "FLOWMETER_INGEST_TOKEN";

    private ServerOptions() {
    }

    /** {@code --server}: an http or https URL with a host. */
    public static URI server(String server) {
        String problem = "'" + server + "' is not an http:// or https:// URL such as " + DEFAULT_SERVER;
        URI uri;
        try {
            uri = new URI(server);
        } catch (URISyntaxException e) {
            throw new OptionException("--server", problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new OptionException("--server", problem);
        }
        return uri;
    }

    /**
     * The token from {@code tokenFile} (trimmed) when given, else from {@link #TOKEN_VARIABLE} in {@code env}; empty
     * when neither holds one.
     */
    public static Optional<String> token(String tokenFile, Map<String, String> env) {
        if (tokenFile == null) {
            String value = env.get(TOKEN_VARIABLE);
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            return Optional.of(checked(TOKEN_VARIABLE, value.trim()));
        }
        Path file;
        try {
            file = Path.of(tokenFile);
        } catch (InvalidPathException e) {
            throw new OptionException("--token-file", "'" + tokenFile + "' is not a path: " + e.getReason());
        }
        String value;
        try {
            value = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new OptionException("--token-file", file + " does not exist");
        } catch (IOException e) {
            throw new OptionException("--token-file", "cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
        if (value.isEmpty()) {
            throw new OptionException("--token-file", file + " is empty");
        }
        return Optional.of(checked("--token-file", value));
    }

    /** A bearer token is one line of visible ASCII; say so without quoting it. */
    private static String checked(String source, String token) {
        if (!token.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new OptionException(source, "the token has spaces, line breaks or characters outside visible"
                    + " ASCII; a bearer token is one word");
        }
        return token;
    }
}
