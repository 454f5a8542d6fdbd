package dev.flowmeter.api.gitimport;

import dev.flowmeter.api.cli.EventsClient;
import dev.flowmeter.api.cli.OptionException;
import dev.flowmeter.api.cli.ServerOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmeter import-git}: backfills a service from a local git repository, sending its commits and its deploy
 * tags to a running server's events API. Bad options stop it with status 2 and a message naming the option; a
 * refusal by the server, or a repository that cannot be read, with status 1.
 */
@Command(name = "import-git", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Backfill a service from a local git repository's commits and deploy tags.",
                "Each commit becomes a commit event at its committer date, and each tag matching --deploy-tags a"
                        + " successful deployment at the tag's date, sent to a running Flowmeter's POST /api/v1/events"
                        + " with parents before children and in date order. Ids come from the repository, so running"
                        + " it again adds nothing. The ingest token comes from FLOWMETER_INGEST_TOKEN or"
                        + " --token-file."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:imported", "1:the server refused the events or stayed unreachable, or the repository"
                + " could not be read", "2:a bad option"})
public final class ImportGitCommand implements Callable<Integer> {

    /** Where the ingest token comes from unless {@code --token-file} is given. */
    static final String TOKEN_VARIABLE = ServerOptions.TOKEN_VARIABLE;
    static final int EXIT_REFUSED = 1;
    static final int EXIT_USAGE = 2;

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "PATH",
            description = "The repository: its top directory, or a bare repository.")
    String repo;

    @Option(names = "--service", required = true, paramLabel = "NAME",
            description = "The service the events belong to: 1-200 of A-Z a-z 0-9 . _ / -.")
    String service;

    @Option(names = "--deploy-tags", paramLabel = "GLOB", defaultValue = ImportSettings.DEFAULT_DEPLOY_TAGS,
            description = "Tags that mark a deployment: a glob (the JDK's syntax) on the short tag name; others are"
                    + " ignored. Default: ${DEFAULT-VALUE}.")
    String deployTags;

    @Option(names = "--environment", paramLabel = "NAME", defaultValue = ImportSettings.DEFAULT_ENVIRONMENT,
            description = "The environment the tagged deployments went to. Default: ${DEFAULT-VALUE}.")
    String environment;

    @Option(names = "--since", paramLabel = "DATE", description = "Only commits and tags dated at or after this:"
            + " YYYY-MM-DD (midnight UTC) or an RFC 3339 timestamp such as 2026-05-01T10:00:00+02:00.")
    String since;

    @Option(names = "--server", paramLabel = "URL", defaultValue = ImportSettings.DEFAULT_SERVER,
            description = "The Flowmeter server. Default: ${DEFAULT-VALUE}.")
    String server;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the ingest token from this file (trimmed) instead of FLOWMETER_INGEST_TOKEN.")
    String tokenFile;

    /** Reads the token variable from the process's environment. */
    public ImportGitCommand() {
        this(System.getenv());
    }

    ImportGitCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ImportSettings settings;
        Optional<String> token;
        try {
            settings = ImportSettings.parse(repo, service, deployTags, environment, since, server);
            token = ServerOptions.token(tokenFile, env);
        } catch (OptionException e) {
            return usage(err, e.getMessage());
        }
        GitHistory history;
        try {
            history = GitHistory.open(settings.repo());
        } catch (IllegalArgumentException e) {
            return usage(err, "--repo: " + e.getMessage());
        } catch (IOException e) {
            err.println("import-git: cannot open the repository " + settings.repo() + ": " + e.getMessage());
            return EXIT_REFUSED;
        }
        try (history) {
            EventsClient client = new EventsClient(settings.server(), token);
            GitImport.Summary summary = new GitImport(settings, client).run(history);
            out.println(summary.describe(settings));
            out.flush();
            return 0;
        } catch (EventsClient.SendException e) {
            err.println("import-git: " + e.getMessage());
            return EXIT_REFUSED;
        } catch (IOException e) {
            err.println("import-git: cannot read the repository " + settings.repo() + ": " + e.getMessage());
            return EXIT_REFUSED;
        }
    }

    private static int usage(PrintWriter err, String message) {
        err.println("import-git: " + message);
        err.println("See 'flowmeter import-git --help'.");
        err.flush();
        return EXIT_USAGE;
    }
}
