package dev.flowmeter.api.gitimport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.lib.TreeFormatter;

/**
 * A git repository for tests, written object by object with JGit so every commit has exactly the parents and the
 * committer date the test gives (an RFC 3339 string, whose offset becomes the committer's time zone).
 */
final class TestRepository implements AutoCloseable {

    private final Path dir;
    private final Repository repository;
    private int made;

    private TestRepository(Path dir, Repository repository) {
        this.dir = dir;
        this.repository = repository;
    }

    /** A new repository with a work tree in {@code dir}, or a bare one. */
    static TestRepository init(Path dir, boolean bare) {
        try {
            Git git = Git.init().setDirectory(dir.toFile()).setBare(bare).setInitialBranch("main").call();
            return new TestRepository(dir, git.getRepository());
        } catch (GitAPIException e) {
            throw new IllegalStateException(e);
        }
    }

    static TestRepository init(Path dir) {
        return init(dir, false);
    }

    Path dir() {
        return dir;
    }

    /** A commit (with an empty tree) committed at {@code committed}, authored an hour before. */
    ObjectId commit(String committed, ObjectId... parents) {
        OffsetDateTime time = OffsetDateTime.parse(committed);
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(new TreeFormatter()));
            commit.setParentIds(parents);
            commit.setAuthor(person(time.minusHours(1)));
            commit.setCommitter(person(time));
            commit.setMessage("change " + (++made) + "\n\nA body that the import never needs.\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points {@code refs/heads/<name>} at {@code commit}. */
    TestRepository branch(String name, ObjectId commit) {
        return ref(Constants.R_HEADS + name, commit);
    }

    TestRepository lightweightTag(String name, ObjectId target) {
        return ref(Constants.R_TAGS + name, target);
    }

    /** An annotated tag object on {@code target}, tagged at {@code tagged}; returns the tag object's id. */
    ObjectId annotatedTag(String name, ObjectId target, int targetType, String tagged) {
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            TagBuilder tag = new TagBuilder();
            tag.setTag(name);
            tag.setObjectId(target, targetType);
            tag.setTagger(person(OffsetDateTime.parse(tagged)));
            tag.setMessage("release " + name + "\n");
            ObjectId id = inserter.insert(tag);
            inserter.flush();
            ref(Constants.R_TAGS + name, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ObjectId annotatedTag(String name, ObjectId commit, String tagged) {
        return annotatedTag(name, commit, Constants.OBJ_COMMIT, tagged);
    }

    /** An empty tree, for a tag that points at something other than a commit. */
    ObjectId emptyTree() {
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            ObjectId id = inserter.insert(new TreeFormatter());
            inserter.flush();
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the ref {@code name} (in full: {@code refs/remotes/origin/main}) at {@code target}. */
    TestRepository ref(String name, ObjectId target) {
        try {
            RefUpdate update = repository.updateRef(name);
            update.setNewObjectId(target);
            update.setForceUpdate(true);
            RefUpdate.Result result = update.update();
            if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FORCED
                    && result != RefUpdate.Result.NO_CHANGE && result != RefUpdate.Result.FAST_FORWARD) {
                throw new IllegalStateException("cannot point " + name + " at " + target.name() + ": " + result);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PersonIdent person(OffsetDateTime time) {
        return new PersonIdent("Ada Lovelace", "ada@example.com", time.toInstant(), time.getOffset());
    }

    @Override
    public void close() {
        repository.close();
    }
}
