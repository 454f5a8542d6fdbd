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
        assertThat(other.get(0).get("sha")).isNotEqualTo(first.get(0).get("sha"));
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
