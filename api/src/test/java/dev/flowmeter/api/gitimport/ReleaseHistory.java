package dev.flowmeter.api.gitimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowmeter.events.EventJson;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;

/**
 * The repository the integration tests import, every date fixed (all on 2026-05-01):
 * <pre>
 * main:     c1 06:00Z - c2 09:00+02:00 (07:00Z) - c3 10:30Z - m 12:00Z (merge of c3 and f2) - c4 14:00Z - c5 16:00Z
 * feature:                 \- f1 10:00Z - f2 11:00Z -/
 * tags:     v1.0 on c2, lightweight (so dated 07:00Z, its commit's date)
 *           v1.1 on m, annotated, tagged 13:00Z (an hour after its commit)
 *           build-42 on c4, annotated, tagged 14:30Z (does not match v*)
 *           v2.0 on c5, annotated, tagged 23:30+05:30 (18:00Z)
 * </pre>
 * and the projection of the deployments answer the tests compare: per deployment its id, time, sha, status, batch
 * size and shipped commits with their lead times.
 */
final class ReleaseHistory {

    final ObjectId c1;
    final ObjectId c2;
    final ObjectId f1;
    final ObjectId c3;
    final ObjectId f2;
    final ObjectId m;
    final ObjectId c4;
    final ObjectId c5;
    final Path dir;

    ReleaseHistory(Path dir) {
        this.dir = dir;
        try (TestRepository repo = TestRepository.init(dir)) {
            c1 = repo.commit("2026-05-01T06:00:00Z");
            c2 = repo.commit("2026-05-01T09:00:00+02:00", c1);
            f1 = repo.commit("2026-05-01T10:00:00Z", c2);
            c3 = repo.commit("2026-05-01T10:30:00Z", c2);
            f2 = repo.commit("2026-05-01T11:00:00Z", f1);
            m = repo.commit("2026-05-01T12:00:00Z", c3, f2);
            c4 = repo.commit("2026-05-01T14:00:00Z", m);
            c5 = repo.commit("2026-05-01T16:00:00Z", c4);
            repo.branch("main", c5).branch("feature", f2);
            repo.lightweightTag("v1.0", c2);
            repo.annotatedTag("v1.1", m, "2026-05-01T13:00:00Z");
            repo.annotatedTag("build-42", c4, "2026-05-01T14:30:00Z");
            repo.annotatedTag("v2.0", c5, "2026-05-01T23:30:00+05:30");
        }
    }

    /**
     * The deployments answer (projected, newest first) once the whole repository is imported as {@code service},
     * worked out by hand. v1.0 is lightweight on c2, so at c2's committer date 09:00+02:00 = 07:00Z: it ships c1
     * (06:00, 1 h) and c2 (07:00, 0). v1.1, tagged 13:00Z on the merge m, ships what is behind the merge and not
     * shipped yet: f1 (10:00, 3 h), c3 (10:30, 2 h 30), f2 (11:00, 2 h) and m (12:00, 1 h). build-42 is not a
     * deploy tag, so v2.0 (23:30+05:30 = 18:00Z) on c5 ships c4 (14:00, 4 h) and c5 (16:00, 2 h). The answer
     * lists each deployment's commits by commit time.
     */
    ArrayNode deploymentsOfAFullImport(String service) {
        String id = "git-tag:" + service + ":production:";
        ArrayNode expected = EventJson.MAPPER.createArrayNode();
        expected.add(shipped(shipped(deployment(id + "v2.0", "2026-05-01T18:00:00Z", c5, 2),
                c4, "2026-05-01T14:00:00Z", 14_400), c5, "2026-05-01T16:00:00Z", 7_200));
        expected.add(shipped(shipped(shipped(shipped(deployment(id + "v1.1", "2026-05-01T13:00:00Z", m, 4),
                f1, "2026-05-01T10:00:00Z", 10_800), c3, "2026-05-01T10:30:00Z", 9_000),
                f2, "2026-05-01T11:00:00Z", 7_200), m, "2026-05-01T12:00:00Z", 3_600));
        expected.add(shipped(shipped(deployment(id + "v1.0", "2026-05-01T07:00:00Z", c2, 2),
                c1, "2026-05-01T06:00:00Z", 3_600), c2, "2026-05-01T07:00:00Z", 0));
        return expected;
    }

    /** One deployment of the expected answer; add its shipped commits with {@link #shipped}. */
    static ObjectNode deployment(String id, String time, ObjectId sha, int batchSize) {
        ObjectNode node = EventJson.MAPPER.createObjectNode();
        node.put("id", id);
        node.put("time", time);
        node.put("sha", sha.name());
        node.put("status", "success");
        node.put("batchSize", batchSize);
        node.putArray("commits");
        return node;
    }

    static ObjectNode shipped(ObjectNode deployment, ObjectId sha, String committedAt, int leadTimeSeconds) {
        ObjectNode commit = ((ArrayNode) deployment.get("commits")).addObject();
        commit.put("sha", sha.name());
        commit.put("committedAt", committedAt);
        commit.put("leadTimeSeconds", leadTimeSeconds);
        return deployment;
    }

    /** The same fields of each deployment of a real answer, in the answer's order (newest first). */
    static ArrayNode project(JsonNode answer) {
        ArrayNode projected = EventJson.MAPPER.createArrayNode();
        for (JsonNode deployment : answer.get("deployments")) {
            ObjectNode node = projected.addObject();
            for (String field : new String[] {"id", "time", "sha", "status", "batchSize"}) {
                node.set(field, deployment.get(field));
            }
            ArrayNode commits = node.putArray("commits");
            for (JsonNode commit : deployment.get("commits")) {
                ObjectNode c = commits.addObject();
                for (String field : new String[] {"sha", "committedAt", "leadTimeSeconds"}) {
                    c.set(field, commit.get(field));
                }
            }
        }
        return projected;
    }
}
