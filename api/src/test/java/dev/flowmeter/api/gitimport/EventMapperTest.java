package dev.flowmeter.api.gitimport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowmeter.events.CommitRecorded;
import dev.flowmeter.events.DeliveryEvent;
import dev.flowmeter.events.DeploymentFinished;
import dev.flowmeter.events.DeploymentStatus;
import dev.flowmeter.events.EventJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events one commit or tag becomes, checked field by field and against the events API's own parser. */
class EventMapperTest {

    private static final String SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    private static final String P1 = "1".repeat(40);
    private static final String P2 = "2".repeat(40);
    private final EventMapper mapper = new EventMapper("shop/checkout", "production");

    @Test
    void shouldMapACommitToACommitEventAtItsCommitterDateWithItsOffset() {
        GitCommit commit = new GitCommit(SHA, List.of(P1, P2), OffsetDateTime.parse("2026-05-01T09:00:00+02:00"));

        List<Map<String, Object>> events = mapper.commit(commit);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", "git:shop/checkout:" + SHA);
        expected.put("type", "commit");
        expected.put("time", "2026-05-01T09:00:00+02:00");
        expected.put("service", "shop/checkout");
        expected.put("sha", SHA);
        expected.put("parents", List.of(P1, P2));
        assertThat(events).containsExactly(expected);
        assertThat(parse(events.get(0))).isEqualTo(new CommitRecorded("git:shop/checkout:" + SHA,
                Instant.parse("2026-05-01T07:00:00Z"), "shop/checkout", SHA, List.of(P1, P2)));
    }

    @Test
    void shouldWriteSecondsEvenWhenTheyAreZeroAndZForUtc() {
        GitCommit commit = new GitCommit(SHA, List.of(), OffsetDateTime.parse("2026-05-01T10:00:00Z"));

        assertThat(mapper.commit(commit).get(0)).containsEntry("time", "2026-05-01T10:00:00Z")
                .containsEntry("parents", List.of());
    }

    @Test
    void shouldMapATagToASuccessfulDeploymentOfItsCommitWithoutACommitList() {
        GitTag tag = new GitTag("v1.2.0", SHA, OffsetDateTime.parse("2026-05-01T13:00:00Z"), true);

        Map<String, Object> event = mapper.deployment(tag);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", "git-tag:shop/checkout:production:v1.2.0");
        expected.put("type", "deployment");
        expected.put("time", "2026-05-01T13:00:00Z");
        expected.put("service", "shop/checkout");
        expected.put("environment", "production");
        expected.put("sha", SHA);
        expected.put("status", "success");
        assertThat(event).isEqualTo(expected);
        assertThat(parse(event)).isEqualTo(new DeploymentFinished("git-tag:shop/checkout:production:v1.2.0",
                Instant.parse("2026-05-01T13:00:00Z"), "shop/checkout", "production", SHA, DeploymentStatus.SUCCESS,
                List.of()));
    }

    @Test
    void shouldGiveTheSameTagADistinctDeploymentIdInEachEnvironment() {
        GitTag tag = new GitTag("v1.2.0", SHA, OffsetDateTime.parse("2026-05-01T13:00:00Z"), false);

        assertThat(new EventMapper("shop/checkout", "staging").deployment(tag))
                .containsEntry("id", "git-tag:shop/checkout:staging:v1.2.0").containsEntry("environment", "staging");
        assertThat(mapper.deployment(tag)).containsEntry("id", "git-tag:shop/checkout:production:v1.2.0");
    }

    @Test
    void shouldSplitTheParentsOverSeveralReportsOfTheSameShaWhenThereAreMoreThanAHundred() {
        List<String> parents = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            parents.add(String.format("%040x", i + 1));
        }
        GitCommit octopus = new GitCommit(SHA, parents, OffsetDateTime.parse("2026-05-01T10:00:00Z"));

        List<Map<String, Object>> events = mapper.commit(octopus);

        // 250 parents: 100 + 100 + 50, in git's order, every report with the same sha and time.
        assertThat(events).extracting(e -> e.get("id")).containsExactly("git:shop/checkout:" + SHA,
                "git:shop/checkout:" + SHA + ":2", "git:shop/checkout:" + SHA + ":3");
        assertThat(events.get(0).get("parents")).isEqualTo(parents.subList(0, 100));
        assertThat(events.get(1).get("parents")).isEqualTo(parents.subList(100, 200));
        assertThat(events.get(2).get("parents")).isEqualTo(parents.subList(200, 250));
        assertThat(events).allSatisfy(e -> {
            assertThat(e).containsEntry("sha", SHA).containsEntry("time", "2026-05-01T10:00:00Z");
            assertThat(parse(e)).isInstanceOf(CommitRecorded.class);
        });
    }

    @Test
    void shouldSendExactlyAHundredParentsInOneEvent() {
        List<String> parents = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            parents.add(String.format("%040x", i + 1));
        }

        assertThat(mapper.commit(new GitCommit(SHA, parents, OffsetDateTime.parse("2026-05-01T10:00:00Z"))))
                .hasSize(1);
    }

    @Test
    void shouldShortenIdsOverTwoHundredCharactersTheSameWayEveryTimeAndKeepThemDistinct() throws Exception {
        String longTag = "release/" + "x".repeat(300);
        String id = EventMapper.id("git-tag", "shop/checkout", longTag + "-a");
        String other = EventMapper.id("git-tag", "shop/checkout", longTag + "-b");

        String full = "git-tag:shop/checkout:" + longTag + "-a";
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(full.getBytes(StandardCharsets.UTF_8)), 0, 8);
        assertThat(id).hasSize(200).isEqualTo(full.substring(0, 183) + "~" + hash);
        assertThat(EventMapper.id("git-tag", "shop/checkout", longTag + "-a")).isEqualTo(id);
        assertThat(other).hasSize(200).isNotEqualTo(id).startsWith(full.substring(0, 183));
        assertThat(EventMapper.id("git", "s".repeat(200), SHA)).hasSize(200);
    }

    @Test
    void shouldKeepAnIdOfExactlyTwoHundredCharactersAsItIs() {
        String name = "v".repeat(200 - "git-tag:svc:".length());

        assertThat(EventMapper.id("git-tag", "svc", name)).isEqualTo("git-tag:svc:" + name).hasSize(200);
    }

    @Test
    void shouldNotSplitACharacterOutsideTheBmpWhenShortening() {
        // 182 characters of prefix, then emoji (two chars each): char 183 is the high half of a pair.
        String name = "v".repeat(182 - "git-tag:svc:".length()) + "\uD83D\uDE80".repeat(20);

        String id = EventMapper.id("git-tag", "svc", name);

        assertThat(id).hasSize(199).startsWith("git-tag:svc:v").contains("~");
        assertThat(Character.isHighSurrogate(id.charAt(id.indexOf('~') - 1))).isFalse();
    }

    private static DeliveryEvent parse(Map<String, Object> event) {
        return EventJson.parse(EventJson.MAPPER.valueToTree(event));
    }
}
