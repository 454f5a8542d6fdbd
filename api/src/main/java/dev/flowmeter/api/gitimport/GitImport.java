package dev.flowmeter.api.gitimport;

import dev.flowmeter.api.cli.EventsClient;
import dev.flowmeter.api.cli.Progress;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

/**
 * One import: reads the history and sends each event as it is read, so memory holds one batch of events at a time
 * whatever the size of the repository.
 */
final class GitImport {

    /** What an import did, for the line the command prints at the end. */
    record Summary(GitHistory.Stats stats, Duration took) {

        double commitsPerSecond() {
            return took.isZero() ? 0 : stats.commits() * 1_000_000_000.0 / took.toNanos();
        }

        String describe(ImportSettings settings) {
            GitHistory.Stats s = stats;
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "import-git: %s: sent %d commits and %d deployments (%s) in %.1f s"
                            + " (%.0f commits/s)", settings.service(), s.commits(), s.deployments(),
                    settings.environment(), took.toMillis() / 1000.0, commitsPerSecond()));
            text.append(String.format(Locale.ROOT, "; tags skipped: %d (%d not matching %s, %d not on a commit",
                    s.tagsSkipped(), s.tagsNotMatching(), settings.deployTagsGlob(), s.tagsNotCommits()));
            if (settings.hasSince()) {
                text.append(String.format(Locale.ROOT, ", %d before --since); commits before --since: %d",
                        s.tagsBeforeSince(), s.commitsBeforeSince()));
            } else {
                text.append(")");
            }
            return text.toString();
        }
    }

    private final ImportSettings settings;
    private final EventMapper mapper;
    private final EventsClient sink;

    GitImport(ImportSettings settings, EventsClient sink) {
        this.settings = settings;
        this.mapper = new EventMapper(settings.service(), settings.environment());
        this.sink = sink;
    }

    Summary run(GitHistory history) throws IOException {
        long start = System.nanoTime();
        Sending sending = new Sending();
        boolean finished = false;
        try {
            GitHistory.Stats stats = history.read(settings.deployTags(), settings.since(), sending);
            sink.flush();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (sending.progress != null) {
                sending.progress.finish(took);
            }
            finished = true;
            return new Summary(stats, took);
        } finally {
            if (!finished && sending.progress != null) {
                sending.progress.close();
            }
        }
    }

    /** Maps and sends each commit and tag as the history hands it out. */
    private final class Sending implements GitHistory.Visitor {

        private Progress progress;

        @Override
        public void begin(int commits) {
            progress = Progress.start("import-git " + settings.service(), commits, "commits");
        }

        @Override
        public void commit(GitCommit commit) {
            mapper.commit(commit).forEach(sink::add);
            progress.step(1);
        }

        @Override
        public void deployment(GitTag tag) {
            sink.add(mapper.deployment(tag));
        }
    }
}
