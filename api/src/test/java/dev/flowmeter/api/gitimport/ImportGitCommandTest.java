package dev.flowmeter.api.gitimport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.flowmeter.api.Main;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command as a user runs it, in process: every bad option ends with status 2 and one message naming it, a
 * refusal by the server with status 1 and the server's words, and a good run sends every event with the token, which
 * it never prints. The server here is a stub that records requests; the real one is in {@code ImportGitIT}.
 */
class ImportGitCommandTest {

    private static final String TOKEN = "t0ken-that-must-never-be-printed";

    @TempDir
    Path dir;

    private HttpServer stub;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    private record Result(int status, String out, String err) {
    }

    @AfterEach
    void stopStub() {
        if (stub != null) {
            stub.stop(0);
        }
    }

    @Test
    void shouldBeRegisteredOnTheMainCommandLine() {
        assertThat(new CommandLine(new Main()).getSubcommands()).containsKey("import-git");
    }

    @Test
    void shouldExitTwoNamingTheOptionWhenTheRepositoryIsMissing() {
        Path missing = dir.resolve("nowhere");

        Result result = run(Map.of(), "--repo", missing.toString(), "--service", "shop");

        assertUsage(result, "import-git: --repo: " + missing + " does not exist");
    }

    @Test
    void shouldExitTwoWhenThePathIsNotAGitRepository() {
        Result result = run(Map.of(), "--repo", dir.toString(), "--service", "shop");

        assertUsage(result, "import-git: --repo: " + dir + " is not a git repository (it has no .git and is not a"
                + " bare repository; give the top directory of the repository)");
    }

    @Test
    void shouldExitTwoWhenTheGlobIsBad() {
        Path repo = repo();

        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--deploy-tags", "v["),
                "import-git: --deploy-tags: 'v[' is not a valid glob: Missing ']' at character 2");
        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--deploy-tags", "{v*,release"),
                "import-git: --deploy-tags: '{v*,release' is not a valid glob: Missing '}' at character 11");
        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--deploy-tags", ""),
                "import-git: --deploy-tags: must not be empty (the default is v*)");
    }

    @Test
    void shouldExitTwoWhenTheDateIsBad() {
        String problem = " is not a date (2026-05-01, taken as midnight UTC) or an RFC 3339 timestamp with an offset"
                + " (2026-05-01T10:00:00Z)";
        for (String bad : List.of("yesterday", "2026-02-30", "2026-05-01T10:00:00", "01.05.2026")) {
            Result result = run(Map.of(), "--repo", repo().toString(), "--service", "shop", "--since", bad);

            assertUsage(result, "import-git: --since: '" + bad + "'" + problem);
        }
    }

    @Test
    void shouldExitTwoWhenTheServiceIsEmptyOrBreaksTheApisPattern() {
        Path repo = repo();
        String rule = " must be 1-200 characters of letters, digits, '.', '_', '/' or '-'";

        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", ""),
                "import-git: --service: must not be empty: name the service the repository delivers");
        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "my shop"),
                "import-git: --service: 'my shop'" + rule);
        String tooLong = "s".repeat(201);
        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", tooLong),
                "import-git: --service: '" + tooLong + "'" + rule);
    }

    @Test
    void shouldExitTwoWhenTheEnvironmentOrTheServerIsBad() {
        Path repo = repo();

        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--environment", "prod eu"),
                "import-git: --environment: 'prod eu' must be 1-100 characters of letters, digits, '.', '_', ':' or"
                        + " '-'");
        for (String bad : List.of("localhost:7070", "ftp://localhost", "http://", "not a url")) {
            assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--server", bad),
                    "import-git: --server: '" + bad + "' is not an http:// or https:// URL such as"
                            + " http://localhost:7070");
        }
    }

    @Test
    void shouldExitTwoWhenARequiredOptionIsMissing() {
        Result result = run(Map.of(), "--repo", repo().toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).startsWith("Missing required option: '--service=NAME'");
        assertThat(result.err()).doesNotContain("Exception");
    }

    @Test
    void shouldExitTwoWhenTheTokenFileIsMissingOrEmpty() throws IOException {
        Path repo = repo();
        Path missing = dir.resolve("no-token");
        Path empty = Files.writeString(dir.resolve("empty-token"), " \n");
        Path twoWords = Files.writeString(dir.resolve("two-words"), TOKEN + " " + TOKEN + "\n");

        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--token-file", missing.toString()),
                "import-git: --token-file: " + missing + " does not exist");
        assertUsage(run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--token-file", empty.toString()),
                "import-git: --token-file: " + empty + " is empty");
        Result spaces = run(Map.of(), "--repo", repo.toString(), "--service", "shop", "--token-file",
                twoWords.toString());
        assertUsage(spaces, "import-git: --token-file: the token has spaces, line breaks or characters outside"
                + " visible ASCII; a bearer token is one word");
        assertThat(spaces.err()).doesNotContain(TOKEN);
    }

    @Test
    void shouldExitOneWithTheServersMessageWhenTheServerRefusesTheEvents() {
        String problem = "{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"1 event has bad fields\"}";
        String server = startStub(400, problem);

        Result result = run(Map.of(), "--repo", repo().toString(), "--service", "shop", "--server", server);

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("import-git: " + server + "/api/v1/events answered 400: " + problem
                + System.lineSeparator());
    }

    @Test
    void shouldSendEveryEventWithTheTokenFromTheEnvironmentAndNeverPrintIt() {
        String server = startStub(202, "{\"accepted\":[]}");
        Path repo = repo();

        Result result = run(Map.of(ImportGitCommand.TOKEN_VARIABLE, TOKEN), "--repo", repo.toString(), "--service",
                "shop", "--server", server + "/");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(authorizations).isNotEmpty().containsOnly("Bearer " + TOKEN);
        // a 08:00, b 09:00 and the lightweight v1 on b (so at 09:00, after b); build-1 does not match v*.
        List<String> sent = new ArrayList<>();
        bodies.forEach(body -> body.forEach(event -> sent.add(event.get("type").asText() + " "
                + event.get("time").asText())));
        assertThat(sent).containsExactly("commit 2026-05-01T08:00:00Z", "commit 2026-05-01T09:00:00Z",
                "deployment 2026-05-01T09:00:00Z");
        assertThat(result.out()).startsWith("import-git: shop: sent 2 commits and 1 deployments (production) in ")
                .contains("; tags skipped: 1 (1 not matching v*, 0 not on a commit)");
        assertThat(result.out() + result.err()).doesNotContain(TOKEN);
    }

    @Test
    void shouldPreferTheTokenFileToTheEnvironment() throws IOException {
        String server = startStub(202, "{\"accepted\":[]}");
        Path file = Files.writeString(dir.resolve("token"), "  from-the-file\n");

        Result result = run(Map.of(ImportGitCommand.TOKEN_VARIABLE, TOKEN), "--repo", repo().toString(),
                "--service", "shop", "--server", server, "--token-file", file.toString());

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(authorizations).isNotEmpty().containsOnly("Bearer from-the-file");
    }

    @Test
    void shouldCountTagsBeforeSinceInTheSummaryWhenSinceIsGiven() {
        startStub(202, "{\"accepted\":[]}");
        String server = "http://127.0.0.1:" + stub.getAddress().getPort();

        Result result = run(Map.of(), "--repo", repo().toString(), "--service", "shop", "--server", server,
                "--since", "2026-05-01T08:30:00+00:00");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("import-git: shop: sent 1 commits and 1 deployments (production) in ")
                .contains("; tags skipped: 1 (1 not matching v*, 0 not on a commit, 0 before --since); commits"
                        + " before --since: 1");
    }

    /** a 08:00, b 09:00 on main; v1 (lightweight) on b, build-1 on a. */
    private Path repo() {
        Path path = dir.resolve("repo");
        if (Files.isDirectory(path)) {
            return path;
        }
        try (TestRepository repo = TestRepository.init(path)) {
            ObjectId a = repo.commit("2026-05-01T08:00:00Z");
            ObjectId b = repo.commit("2026-05-01T09:00:00Z", a);
            repo.branch("main", b).lightweightTag("v1", b).lightweightTag("build-1", a);
        }
        return path;
    }

    private String startStub(int status, String answer) {
        try {
            stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stub.createContext("/api/v1/events", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            bodies.add(EventJson.MAPPER.readTree(exchange.getRequestBody().readAllBytes()));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    private static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new ImportGitCommand(env));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        return new Result(status, out.toString(), err.toString());
    }

    private static void assertUsage(Result result, String message) {
        assertThat(result.status()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).isEqualTo(message + System.lineSeparator() + "See 'flowmeter import-git --help'."
                + System.lineSeparator());
        assertThat(result.out()).isEmpty();
    }
}
