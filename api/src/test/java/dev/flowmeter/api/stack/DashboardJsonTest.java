package dev.flowmeter.api.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowmeter.api.testing.Repository;
import dev.flowmeter.events.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the shipped Grafana dashboards statically: stable unique uids, a description, a unit, the provisioned
 * datasource and a query on every panel, and the service, team and environment variables used with {@code =~}.
 * Whether each query returns data is proven against a real Prometheus elsewhere.
 */
class DashboardJsonTest {

    private static final Path ROOT = Repository.root();
    private static final Path DASHBOARDS = ROOT.resolve("grafana/dashboards");
    private static final Path DATASOURCES = ROOT.resolve("grafana/provisioning/datasources/prometheus.yml");
    /** Links and bookmarks use these: renaming one breaks them, so a rename must be deliberate. */
    private static final List<String> STABLE_UIDS =
            List.of("flowmeter-delivery", "flowmeter-gates", "flowmeter-stalled", "flowmeter-internals",
                    "flowmeter-value-stream");
    private static final List<String> VARIABLES = List.of("service", "team", "environment");
    private static final Pattern UID_LINE = Pattern.compile("(?m)^\\s*uid:\\s*\"?([A-Za-z0-9_-]+)\"?\\s*$");
    private static final Pattern VARIABLE_USE = Pattern.compile("(=~|!~|=|!=)\\s*\"\\$\\{?(\\w+)");

    private static Map<Path, JsonNode> dashboards;
    private static String datasourceUid;

    @BeforeAll
    static void load() throws IOException {
        dashboards = new HashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.put(file, EventJson.MAPPER.readTree(file.toFile()));
            }
        }
        Matcher uid = UID_LINE.matcher(Files.readString(DATASOURCES, StandardCharsets.UTF_8));
        assertThat(uid.find()).as("a uid in %s", DATASOURCES).isTrue();
        datasourceUid = uid.group(1);
    }

    @Test
    void shouldShipAtLeastTheFiveDashboardsWhenTheDirectoryIsRead() {
        assertThat(dashboards).hasSizeGreaterThanOrEqualTo(STABLE_UIDS.size());
    }

    @Test
    void shouldGiveEveryDashboardAUniqueStableUidWhenParsed() {
        List<String> uids = new ArrayList<>();
        dashboards.forEach((file, dashboard) -> {
            String uid = dashboard.path("uid").asText("");
            assertThat(uid).as("uid of %s", file.getFileName()).matches("[a-z0-9-]{1,40}");
            assertThat(dashboard.path("title").asText("")).as("title of %s", file.getFileName()).isNotBlank();
            uids.add(uid);
        });
        assertThat(uids).doesNotHaveDuplicates().containsAll(STABLE_UIDS);
    }

    @Test
    void shouldDescribeEveryPanelWhenParsed() {
        forEachPanel((where, panel) ->
                assertThat(panel.path("description").asText("")).as("description of %s", where).isNotBlank());
    }

    @Test
    void shouldGiveEveryPanelAUnitWhenParsed() {
        forEachPanel((where, panel) -> assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText(""))
                .as("unit of %s", where).isNotBlank());
    }

    @Test
    void shouldQueryTheProvisionedDatasourceWhenAPanelHasTargets() {
        forEachPanel((where, panel) -> {
            assertThat(panel.path("datasource").path("uid").asText("")).as("datasource of %s", where)
                    .isEqualTo(datasourceUid);
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("datasource").path("uid").asText(datasourceUid))
                        .as("datasource of a target of %s", where).isEqualTo(datasourceUid);
            }
        });
    }

    @Test
    void shouldHaveAtLeastOneExpressionInEveryPanelWhenParsed() {
        forEachPanel((where, panel) -> {
            List<String> expressions = new ArrayList<>();
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText("")));
            assertThat(expressions).as("expressions of %s", where).isNotEmpty().allMatch(e -> !e.isBlank());
        });
    }

    @Test
    void shouldOfferMultiValueServiceTeamAndEnvironmentVariablesWhenADashboardIsOpened() {
        dashboards.forEach((file, dashboard) -> {
            Map<String, JsonNode> byName = new HashMap<>();
            dashboard.path("templating").path("list").forEach(v -> byName.put(v.path("name").asText(), v));
            for (String name : VARIABLES) {
                JsonNode variable = byName.get(name);
                assertThat(variable).as("variable %s of %s", name, file.getFileName()).isNotNull();
                assertThat(variable.path("multi").asBoolean()).as("%s is multi-value", name).isTrue();
                assertThat(variable.path("includeAll").asBoolean()).as("%s offers All", name).isTrue();
                // All must match series without the label too (no series has a team label yet).
                assertThat(variable.path("allValue").asText()).as("%s's All value", name).isEqualTo(".*");
                assertThat(variable.path("datasource").path("uid").asText()).isEqualTo(datasourceUid);
            }
        });
    }

    @Test
    void shouldMatchMultiValueVariablesWithRegexWhenAnExpressionUsesThem() {
        forEachPanel((where, panel) -> panel.path("targets").forEach(target -> {
            Matcher use = VARIABLE_USE.matcher(target.path("expr").asText(""));
            while (use.find()) {
                assertThat(use.group(1)).as("$%s in %s: multi-value variables need =~", use.group(2), where)
                        .isEqualTo("=~");
            }
        }));
    }

    private interface PanelCheck {
        void check(String where, JsonNode panel);
    }

    /** Every panel with content, rows' nested panels included; a row itself holds no query. */
    private static void forEachPanel(PanelCheck check) {
        dashboards.forEach((file, dashboard) -> visit(file.getFileName().toString(), dashboard.path("panels"), check));
    }

    private static void visit(String file, JsonNode panels, PanelCheck check) {
        for (JsonNode panel : panels) {
            if ("row".equals(panel.path("type").asText())) {
                visit(file, panel.path("panels"), check);
            } else {
                check.check(file + " panel \"" + panel.path("title").asText() + "\"", panel);
            }
        }
    }
}
