package dev.flowmeter.api.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The demo organisation's rules, counted by hand. The history ends at 2026-05-31T00:00Z, so it starts on Monday
 * 2026-03-02 and its 90 days are 12 full weeks plus Monday to Saturday: 65 working days, 13 of them Wednesdays.
 */
class DemoOrganisationTest {

    static final Instant NOW = Instant.parse("2026-05-31T00:00:00Z");

    @Test
    void shouldGiveTheSameHistoryForTheSameSeedAndOtherShasForAnother() {
        List<Map<String, Object>> first = new DemoOrganisation(7, NOW).history();
        assertThat(new DemoOrganisation(7, NOW).history()).isEqualTo(first);
        List<Map<String, Object>> other = new DemoOrganisation(8, NOW).history();
        assertThat(other).hasSameSizeAs(first);
        assertThat(firstSha(other)).isNotNull().isNotEqualTo(firstSha(first));
    }

    private static Object firstSha(List<Map<String, Object>> history) {
        return history.stream().filter(e -> e.get("type").equals("commit")).findFirst().orElseThrow().get("sha");
    }

    @Test
    void shouldDeployAsEachProfileSays() {
        DemoOrganisation demo = new DemoOrganisation(DemoFeeder.DEFAULT_SEED, NOW);
        assertThat(demo.start()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        Map<String, int[]> byService = new HashMap<>(); // successful, failed production deployments in the window
        for (Map<String, Object> event : demo.history()) {
            Instant time = Instant.parse((String) event.get("time"));
            if (event.get("type").equals("deployment") && event.get("environment").equals("production")
                    && !time.isBefore(demo.start())) {
                int[] counts = byService.computeIfAbsent((String) event.get("service"), s -> new int[2]);
                counts[event.get("status").equals("success") ? 0 : 1]++;
            }
        }
        for (DemoOrganisation.Team team : DemoOrganisation.TEAMS) {
            for (String service : team.services()) {
                if (team.profile() == DemoOrganisation.Profile.MATURE) {
                    // Three a working day; on each of the 13 Wednesdays one of them fails first.
                    assertThat(byService.get(service)).as(service).containsExactly(65 * 3, 13);
                } else {
                    // Releases 1, 2 and 3, the hotfix after release 2, the rollback of release 3 and its re-release.
                    assertThat(byService.get(service)).as(service).containsExactly(6, 0);
                }
            }
        }
        assertThat(byService).hasSize(20);
    }

    /**
     * Immature: 65 changes per service make items 1-33 (item n is changes 2n - 1 and 2n). Item 32 holds change 63,
     * never reviewed, and item 33 only change 65, still in review: 31 done. Releases by the merge day of an item's
     * second change, against the cuts on days 22, 50 and 78: items 1-7 (change 14 merges on day 21, 16 on day 22),
     * 8-17 (change 34 on day 49, 36 on day 50), 18-27 (change 54 on day 77, 56 on day 78) and 28-33. Mature: one item
     * a working day, 65, all done.
     */
    @Test
    void shouldMakeWorkItemsAsEachProfileSays() {
        DemoOrganisation demo = new DemoOrganisation(DemoFeeder.DEFAULT_SEED, NOW);
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        Map<String, Map<String, Set<Object>>> releases = new HashMap<>();
        for (Map<String, Object> event : demo.history()) {
            String type = (String) event.get("type");
            if (type.startsWith("work.")) {
                String service = (String) event.get("service");
                counts.computeIfAbsent(service, s -> new HashMap<>()).merge(type, 1, Integer::sum);
                if (event.containsKey("release")) {
                    releases.computeIfAbsent(service, s -> new HashMap<>())
                            .computeIfAbsent((String) event.get("release"), r -> new HashSet<>())
                            .add(event.get("item"));
                }
            }
        }
        for (DemoOrganisation.Team team : DemoOrganisation.TEAMS) {
            for (String service : team.services()) {
                Map<String, Integer> byType = counts.get(service);
                if (team.profile() == DemoOrganisation.Profile.MATURE) {
                    assertThat(byType).as(service).isEqualTo(Map.of("work.created", 65, "work.started", 65,
                            "work.done", 65));
                    assertThat(releases).doesNotContainKey(service);
                } else {
                    assertThat(byType).as(service).isEqualTo(Map.of("work.created", 33, "work.started", 33,
                            "work.done", 31));
                    Map<String, Set<Object>> of = releases.get(service);
                    String project = DemoOrganisation.project(service);
                    assertThat(of.keySet()).containsExactlyInAnyOrder(team.name() + "-R1", team.name() + "-R2",
                            team.name() + "-R3", team.name() + "-R4");
                    assertThat(of.get(team.name() + "-R1")).hasSize(7).contains(project + "-1", project + "-7");
                    assertThat(of.get(team.name() + "-R2")).hasSize(10).contains(project + "-8", project + "-17");
                    assertThat(of.get(team.name() + "-R3")).hasSize(10).contains(project + "-18", project + "-27");
                    assertThat(of.get(team.name() + "-R4")).hasSize(6).contains(project + "-28", project + "-33");
                }
            }
        }
        assertThat(DemoOrganisation.project("demo-payments-ledger")).isEqualTo("PAYLEDGER");
    }

    @Test
    void shouldNameEveryServiceDemoAndSendParentsBeforeChildrenInTimeOrder() {
        DemoOrganisation demo = new DemoOrganisation(DemoFeeder.DEFAULT_SEED, NOW);
        Set<String> seen = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Instant previous = Instant.MIN;
        for (Map<String, Object> event : demo.history()) {
            assertThat((String) event.get("service")).startsWith("demo-");
            assertThat(ids.add((String) event.get("id"))).as("unique id %s", event.get("id")).isTrue();
            Instant time = Instant.parse((String) event.get("time"));
            assertThat(time).isAfterOrEqualTo(previous).isBefore(NOW);
            previous = time;
            if (event.get("type").equals("commit")) {
                @SuppressWarnings("unchecked")
                List<String> parents = (List<String>) event.getOrDefault("parents", List.of());
                assertThat(seen).as("parents of %s", event.get("sha")).containsAll(parents);
                seen.add((String) event.get("sha"));
            }
        }
    }

    @Test
    void shouldMapEveryServiceToItsTeam() {
        assertThat(DemoOrganisation.teamsFile()).contains("demo-payments-* = payments\n",
                "demo-billing-* = billing\n", "demo-storefront-* = storefront\n", "demo-search-* = search\n");
    }
}
