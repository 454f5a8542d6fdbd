package dev.flowmeter.api.gitimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order and the dates GitHistory hands out, on repositories built commit by commit with fixed dates. */
class GitHistoryTest {

    private static final PathMatcher V_STAR = FileSystems.getDefault().getPathMatcher("glob:v*");

    @TempDir
    Path dir;

    /** What a visitor was given, in order: "c:<sha>" for a commit, "t:<tag>" for a deployment. */
    private static final class Recorder implements GitHistory.Visitor {
        final List<String> order = new ArrayList<>();
        final List<GitCommit> commits = new ArrayList<>();
        final List<GitTag> tags = new ArrayList<>();
        int announced = -1;

        @Override
        public void begin(int commits) {
            assertThat(order).as("begin comes first").isEmpty();
            announced = commits;
        }

        @Override
        public void commit(GitCommit commit) {
            order.add("c:" + commit.sha());
            commits.add(commit);
        }

        @Override
        public void deployment(GitTag tag) {
            order.add("t:" + tag.name());
            tags.add(tag);
        }
    }

    /**
     * main: a 08:00, b 09:00, c 10:00, m 11:00 (merge of c and f2); feature from b: f1 09:30, f2 10:30. Tags: v1 on
     * b (lightweight, so 09:00), v1.5 on c tagged 10:15, v2 on m tagged 12:00, build-7 on f2 (not a deploy tag).
     */
    private final class Graph {
        final TestRepository repo = TestRepository.init(dir);
        final ObjectId a = repo.commit("2026-05-01T08:00:00Z");
        final ObjectId b = repo.commit("2026-05-01T09:00:00Z", a);
        final ObjectId f1 = repo.commit("2026-05-01T09:30:00Z", b);
        final ObjectId c = repo.commit("2026-05-01T10:00:00Z", b);
        final ObjectId f2 = repo.commit("2026-05-01T10:30:00Z", f1);
        final ObjectId m = repo.commit("2026-05-01T11:00:00Z", c, f2);

        Graph() {
            repo.branch("main", m).branch("feature", f2);
            repo.lightweightTag("v1", b);
            repo.annotatedTag("v1.5", c, "2026-05-01T10:15:00Z");
            repo.annotatedTag("v2", m, "2026-05-01T12:00:00Z");
            repo.lightweightTag("build-7", f2);
            repo.close();
        }
    }

    private Recorder read(PathMatcher tags, Instant since) throws IOException {
        Recorder recorder = new Recorder();
        try (GitHistory history = GitHistory.open(dir)) {
            history.read(tags, since, recorder);
        }
        return recorder;
    }

    @Test
    void shouldHandOutParentsBeforeChildrenAndEachTagAfterItsCommitWhenBranchesMerge() throws IOException {
        Graph g = new Graph();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        // By date: a 08:00, b 09:00, v1 09:00 (after b, its commit), f1 09:30, c 10:00, v1.5 10:15, f2 10:30,
        // m 11:00, v2 12:00.
        assertThat(seen.order).containsExactly("c:" + g.a.name(), "c:" + g.b.name(), "t:v1", "c:" + g.f1.name(),
                "c:" + g.c.name(), "t:v1.5", "c:" + g.f2.name(), "c:" + g.m.name(), "t:v2");
        assertThat(seen.announced).isEqualTo(6);
        assertThat(seen.commits.get(5).parents()).containsExactly(g.c.name(), g.f2.name());
        assertThat(seen.commits.get(0).parents()).isEmpty();
    }

    @Test
    void shouldDateAnnotatedTagsByTheirTaggerAndLightweightTagsByTheirCommit() throws IOException {
        Graph g = new Graph();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        assertThat(seen.tags).containsExactly(
                new GitTag("v1", g.b.name(), OffsetDateTime.parse("2026-05-01T09:00:00Z"), false),
                new GitTag("v1.5", g.c.name(), OffsetDateTime.parse("2026-05-01T10:15:00Z"), true),
                new GitTag("v2", g.m.name(), OffsetDateTime.parse("2026-05-01T12:00:00Z"), true));
    }

    @Test
    void shouldCountTagsThatDoNotMatchTheGlobAsSkipped() throws IOException {
        new Graph();
        try (GitHistory history = GitHistory.open(dir)) {
            GitHistory.Stats stats = history.read(V_STAR, ImportSettings.EVERYTHING, new Recorder());

            assertThat(stats).isEqualTo(new GitHistory.Stats(6, 0, 3, 1, 0, 0));
            assertThat(stats.tagsSkipped()).isEqualTo(1);
        }
        Recorder builds = read(FileSystems.getDefault().getPathMatcher("glob:build-*"), ImportSettings.EVERYTHING);
        assertThat(builds.tags).extracting(GitTag::name).containsExactly("build-7");
    }

    @Test
    void shouldKeepTheCommittersAndTaggersOffsetWhenTheyAreNotUtc() throws IOException {
        TestRepository repo = TestRepository.init(dir);
        ObjectId a = repo.commit("2026-05-01T09:00:00+02:00");
        repo.branch("main", a);
        repo.annotatedTag("v1", a, "2026-05-01T23:30:00+05:30");
        repo.close();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        assertThat(seen.commits.get(0).time()).isEqualTo(OffsetDateTime.parse("2026-05-01T09:00:00+02:00"));
        assertThat(seen.commits.get(0).time().getOffset().getTotalSeconds()).isEqualTo(2 * 3600);
        assertThat(seen.tags.get(0).time()).isEqualTo(OffsetDateTime.parse("2026-05-01T23:30:00+05:30"));
    }

    @Test
    void shouldHoldATagUntilItsCommitAndKeepTagsInDateOrderWhenATagIsDatedBeforeItsCommit() throws IOException {
        TestRepository repo = TestRepository.init(dir);
        ObjectId a = repo.commit("2026-05-01T11:00:00Z");
        ObjectId d = repo.commit("2026-05-01T13:00:00Z", a);
        ObjectId e = repo.commit("2026-05-01T14:00:00Z", d);
        repo.branch("main", e);
        repo.annotatedTag("v3", d, "2026-05-01T12:30:00Z"); // a tagger clock behind the committer's
        repo.annotatedTag("v4", a, "2026-05-01T12:45:00Z");
        repo.close();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        // v3 cannot go before d, the commit it ships; v4 (12:45) is later than v3 (12:30) so it waits behind it.
        assertThat(seen.order).containsExactly("c:" + a.name(), "c:" + d.name(), "t:v3", "t:v4", "c:" + e.name());
    }

    @Test
    void shouldLeaveOutCommitsAndTagsDatedBeforeSince() throws IOException {
        Graph g = new Graph();

        Recorder seen;
        GitHistory.Stats stats;
        try (GitHistory history = GitHistory.open(dir)) {
            seen = new Recorder();
            stats = history.read(V_STAR, Instant.parse("2026-05-01T10:00:00Z"), seen);
        }

        // At or after 10:00: c (10:00, exactly at since), v1.5 10:15, f2 10:30, m 11:00, v2 12:00.
        assertThat(seen.order).containsExactly("c:" + g.c.name(), "t:v1.5", "c:" + g.f2.name(), "c:" + g.m.name(),
                "t:v2");
        assertThat(seen.announced).isEqualTo(3);
        // c keeps its parent b, which was not sent: the link is the repository's truth.
        assertThat(seen.commits.get(0).parents()).containsExactly(g.b.name());
        assertThat(stats).isEqualTo(new GitHistory.Stats(3, 3, 2, 1, 0, 1));
    }

    @Test
    void shouldPeelTagsOfTagsAndSkipTagsOfTrees() throws IOException {
        TestRepository repo = TestRepository.init(dir);
        ObjectId a = repo.commit("2026-05-01T08:00:00Z");
        repo.branch("main", a);
        ObjectId inner = repo.annotatedTag("v1-inner", a, "2026-05-01T09:00:00Z");
        repo.annotatedTag("v1", inner, Constants.OBJ_TAG, "2026-05-01T10:00:00Z");
        repo.annotatedTag("v-tree", repo.emptyTree(), Constants.OBJ_TREE, "2026-05-01T11:00:00Z");
        repo.close();

        Recorder seen = read(FileSystems.getDefault().getPathMatcher("glob:v{1,-tree}"), ImportSettings.EVERYTHING);
        try (GitHistory history = GitHistory.open(dir)) {
            assertThat(history.read(FileSystems.getDefault().getPathMatcher("glob:v{1,-tree}"),
                    ImportSettings.EVERYTHING, new Recorder())).isEqualTo(new GitHistory.Stats(1, 0, 1, 1, 1, 0));
        }

        // The outer tag's own date, on the commit at the end of the chain.
        assertThat(seen.tags).containsExactly(
                new GitTag("v1", a.name(), OffsetDateTime.parse("2026-05-01T10:00:00Z"), true));
    }

    @Test
    void shouldReadCommitsOnlyADeployTagReachesButNotThoseOnlyOtherTagsReach() throws IOException {
        TestRepository repo = TestRepository.init(dir);
        ObjectId a = repo.commit("2026-05-01T08:00:00Z");
        ObjectId hotfix = repo.commit("2026-05-01T09:00:00Z", a);
        ObjectId nightly = repo.commit("2026-05-01T10:00:00Z", a);
        repo.branch("main", a);
        repo.lightweightTag("v1.0.1", hotfix);
        repo.lightweightTag("nightly", nightly);
        repo.close();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        assertThat(seen.order).containsExactly("c:" + a.name(), "c:" + hotfix.name(), "t:v1.0.1");
    }

    @Test
    void shouldReadABareRepositoryAndRemoteTrackingBranches() throws IOException {
        TestRepository repo = TestRepository.init(dir, true);
        ObjectId a = repo.commit("2026-05-01T08:00:00Z");
        ObjectId b = repo.commit("2026-05-01T09:00:00Z", a);
        repo.branch("main", a).ref(Constants.R_REMOTES + "origin/feature", b);
        repo.close();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        assertThat(seen.order).containsExactly("c:" + a.name(), "c:" + b.name());
    }

    @Test
    void shouldSendNothingWhenTheRepositoryHasNoCommits() throws IOException {
        TestRepository.init(dir).close();

        Recorder seen = read(V_STAR, ImportSettings.EVERYTHING);

        assertThat(seen.announced).isZero();
        assertThat(seen.order).isEmpty();
    }

    @Test
    void shouldRefuseWithTheReasonWhenThePathIsNotARepository() throws IOException {
        assertThatThrownBy(() -> GitHistory.open(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(dir.resolve("missing") + " does not exist");
        Path file = Files.writeString(dir.resolve("file.txt"), "not a repository");
        assertThatThrownBy(() -> GitHistory.open(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(file + " is not a directory");
        assertThatThrownBy(() -> GitHistory.open(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(dir + " is not a git repository (it has no .git and is not a bare repository; give the"
                        + " top directory of the repository)");
    }
}
