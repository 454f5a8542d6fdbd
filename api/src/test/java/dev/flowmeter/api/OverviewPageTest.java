package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OverviewPageTest {

    @Test
    void shouldTellThePageWhetherATokenIsNeededAndWhereGrafanaIs() {
        String open = OverviewPage.of(false, Optional.empty()).document();
        assertThat(open).contains("<meta name=\"flowmeter-auth\" content=\"none\">",
                "<meta name=\"flowmeter-grafana\" content=\"\">");

        String guarded = OverviewPage.of(true, Optional.of(URI.create("https://tools.example.com/grafana")))
                .document();
        assertThat(guarded).contains("<meta name=\"flowmeter-auth\" content=\"bearer\">",
                "<meta name=\"flowmeter-grafana\" content=\"https://tools.example.com/grafana\">");
    }

    @Test
    void shouldLoadTheChartLibraryOfTheWebJarOnTheClassPath() {
        // uplot 1.6.30 is the version the api module depends on (pom.xml).
        assertThat(OverviewPage.of(false, Optional.empty()).document()).contains(
                "<script src=\"/webjars/uplot/1.6.30/dist/uPlot.iife.min.js\"></script>",
                "<link rel=\"stylesheet\" href=\"/webjars/uplot/1.6.30/dist/uPlot.min.css\">")
                .doesNotContain("{{");
    }

    @Test
    void shouldEscapeWhatGoesIntoAnAttribute() {
        assertThat(OverviewPage.attribute("a\"b<c>&d")).isEqualTo("a&quot;b&lt;c&gt;&amp;d");
    }

    @Test
    void shouldLeaveTheDataButNotThePageBehindTheToken() {
        assertThat(OverviewPage.isPage("/")).isTrue();
        assertThat(OverviewPage.isPage("/ui/app.js")).isTrue();
        assertThat(OverviewPage.isPage("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")).isTrue();
        assertThat(OverviewPage.isPage("/api/v1/dora")).isFalse();
        assertThat(OverviewPage.isPage("/metrics")).isFalse();
        assertThat(OverviewPage.isPage("/uiapi")).isFalse();
    }
}
