package dev.flowmeter.api.gitimport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevFlag;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevTag;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.RawParseUtils;

/**
 * A local git repository read as Flowmeter needs it: every commit reachable from HEAD, the local and remote-tracking
 * branches and the deploy tags, handed out parents first and in date order, with each deploy tag handed out after
 * the commit it points at and in date order among the tags.
 *
 * <p>Nothing is collected but JGit's own walk: the commits' headers (sha, parents, commit time; bodies are dropped
 * as the walk parses them) for the topological sort, which needs the whole graph before it hands out the first
 * commit. Each commit's committer line is read again from the object database when it is handed out, so the heap
 * holds no commit messages.
 */
final class GitHistory implements AutoCloseable {

    /** Branch-like refs whose history is read; tags are added only when they are deploy tags. */
    private static final String[] BRANCHES = {Constants.R_HEADS, Constants.R_REMOTES};

    private final Repository repository;

    private GitHistory(Repository repository) {
        this.repository = repository;
    }

    /** What {@link #read} hands out, in the order it does. */
    interface Visitor {
        /** Called once before anything else, with the number of commits that {@link #commit} will receive. */
        void begin(int commits);

        void commit(GitCommit commit);

        void deployment(GitTag tag);
    }

    /**
     * What the read found beside what it handed out.
     *
     * @param commits commits handed out
     * @param commitsBeforeSince commits walked but older than {@code since}, not handed out
     * @param deployments deploy tags handed out
     * @param tagsNotMatching tags whose name does not match the glob
     * @param tagsNotCommits matching tags that point at a tree or a blob rather than a commit
     * @param tagsBeforeSince matching tags older than {@code since}
     */
    record Stats(int commits, int commitsBeforeSince, int deployments, int tagsNotMatching, int tagsNotCommits,
            int tagsBeforeSince) {

        int tagsSkipped() {
            return tagsNotMatching + tagsNotCommits + tagsBeforeSince;
        }
    }

    /** A deploy tag with the walk's own object for its commit, so the walk's flags tell when it has passed it. */
    private record DeployTag(GitTag tag, RevCommit commit) {
    }

    /**
     * Opens the repository at {@code dir}: a work tree (with a {@code .git} directory, or the {@code .git} file of a
     * linked work tree) or a bare repository.
     *
     * @throws IllegalArgumentException when {@code dir} is missing or is not a repository, saying which
     */
    static GitHistory open(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException(dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a directory");
        }
        File file = dir.toFile();
        FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
        if (RepositoryCache.FileKey.isGitRepository(file, FS.DETECTED)) {
            builder.setGitDir(file);
        } else if (Files.exists(dir.resolve(Constants.DOT_GIT))) {
            builder.setWorkTree(file);
        } else {
            throw new IllegalArgumentException(dir + " is not a git repository (it has no .git and is not a bare"
                    + " repository; give the top directory of the repository)");
        }
        try {
            return new GitHistory(builder.build());
        } catch (RepositoryNotFoundException | IllegalArgumentException e) {
            throw new IllegalArgumentException(dir + " is not a git repository: " + e.getMessage(), e);
        }
    }

    /**
     * Walks the history and hands it to {@code visitor}: commits committed at or after {@code since}, parents
     * before children; and the tags whose short name {@code deployTags} matches, dated at or after {@code since}.
     * A tag is handed out once the walk has passed its commit and no commit dated before the tag is left, so a
     * deployment always follows the commits it ships; tags keep their date order among themselves even when a
     * tag is dated before its own commit (a skewed clock), since deployments are applied in the order they come.
     */
    Stats read(PathMatcher deployTags, Instant since, Visitor visitor) throws IOException {
        try (RevWalk walk = new RevWalk(repository)) {
            walk.setRetainBody(false);
            walk.sort(RevSort.TOPO, true);
            walk.sort(RevSort.COMMIT_TIME_DESC, true);
            walk.sort(RevSort.REVERSE, true);
            ObjectReader reader = walk.getObjectReader();
            List<Ref> starts = new ArrayList<>(repository.getRefDatabase().getRefsByPrefix(BRANCHES));
            Ref head = repository.exactRef(Constants.HEAD);
            if (head != null) {
                starts.add(head);
            }
            for (Ref ref : starts) {
                if (ref.getObjectId() != null && walk.peel(walk.parseAny(ref.getObjectId())) instanceof RevCommit c) {
                    walk.markStart(c);
                }
            }
            int notMatching = 0;
            int notCommits = 0;
            int tagsBeforeSince = 0;
            List<DeployTag> tags = new ArrayList<>();
            for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_TAGS)) {
                String name = ref.getName().substring(Constants.R_TAGS.length());
                if (!matches(deployTags, name)) {
                    notMatching++;
                    continue;
                }
                RevObject object = walk.parseAny(ref.getObjectId());
                // The tag the ref names gives the date, even when it is a tag of a tag.
                PersonIdent tagger = object instanceof RevTag ? ident(reader, object, Constants.OBJ_TAG) : null;
                if (!(walk.peel(object) instanceof RevCommit commit)) {
                    notCommits++;
                    continue;
                }
                OffsetDateTime time = tagger != null ? dateOf(tagger) : committed(reader, commit);
                if (time.toInstant().isBefore(since)) {
                    tagsBeforeSince++;
                    continue;
                }
                walk.markStart(commit);
                tags.add(new DeployTag(new GitTag(name, commit.name(), time, object instanceof RevTag), commit));
            }
            tags.sort(Comparator.comparing((DeployTag t) -> t.tag().time().toInstant())
                    .thenComparing(t -> t.tag().name()));

            List<RevCommit> order = new ArrayList<>();
            int sent = 0;
            for (RevCommit commit = walk.next(); commit != null; commit = walk.next()) {
                order.add(commit);
                if (!commitTime(commit).isBefore(since)) {
                    sent++;
                }
            }
            visitor.begin(sent);
            RevFlag passed = walk.newFlag("passed");
            Deque<DeployTag> pending = new ArrayDeque<>(tags);
            for (RevCommit commit : order) {
                Instant time = commitTime(commit);
                while (!pending.isEmpty() && pending.peek().commit().has(passed)
                        && !pending.peek().tag().time().toInstant().isAfter(time)) {
                    visitor.deployment(pending.pop().tag());
                }
                commit.add(passed);
                if (!time.isBefore(since)) {
                    visitor.commit(new GitCommit(commit.name(), parents(commit), committed(reader, commit)));
                }
            }
            // Every tag's commit is in the walk (each was a start), so all have passed by now.
            pending.forEach(t -> visitor.deployment(t.tag()));
            return new Stats(sent, order.size() - sent, tags.size(), notMatching, notCommits, tagsBeforeSince);
        }
    }

    @Override
    public void close() {
        repository.close();
    }

    private static boolean matches(PathMatcher glob, String tagName) {
        try {
            return glob.matches(Path.of(tagName));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static Instant commitTime(RevCommit commit) {
        return Instant.ofEpochSecond(commit.getCommitTime());
    }

    private static List<String> parents(RevCommit commit) {
        List<String> parents = new ArrayList<>(commit.getParentCount());
        for (int i = 0; i < commit.getParentCount(); i++) {
            parents.add(commit.getParent(i).name());
        }
        return parents;
    }

    /** The committer date with the committer's offset; the walk's commit time in UTC if the line is unreadable. */
    private static OffsetDateTime committed(ObjectReader reader, RevCommit commit) throws IOException {
        PersonIdent committer = ident(reader, commit, Constants.OBJ_COMMIT);
        return committer != null ? dateOf(committer) : commitTime(commit).atOffset(ZoneOffset.UTC);
    }

    /** The committer of a commit or the tagger of a tag, read from the object itself; null when it has none. */
    private static PersonIdent ident(ObjectReader reader, AnyObjectId id, int type) throws IOException {
        byte[] raw = reader.open(id, type).getCachedBytes();
        int at = type == Constants.OBJ_TAG ? RawParseUtils.tagger(raw, 0) : RawParseUtils.committer(raw, 0);
        return at < 0 ? null : RawParseUtils.parsePersonIdent(raw, at);
    }

    private static OffsetDateTime dateOf(PersonIdent ident) {
        Instant when = ident.getWhenAsInstant();
        try {
            return when.atOffset(ident.getZoneOffset());
        } catch (DateTimeException e) {
            return when.atOffset(ZoneOffset.UTC); // an offset git allows but java.time cannot hold (beyond 18 h)
        }
    }
}
