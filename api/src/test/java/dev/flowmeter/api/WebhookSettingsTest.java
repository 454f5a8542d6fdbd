package dev.flowmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookSettingsTest {

    @TempDir
    Path dir;

    @Test
    void shouldEnableNoSourceWhenNoSecretIsSet() {
        WebhookSettings settings = WebhookSettings.fromEnv(Map.of());

        assertThat(settings.githubSecret()).isEmpty();
        assertThat(settings.gitlabToken()).isEmpty();
        assertThat(settings.cdeventsToken()).isEmpty();
        assertThat(settings.bitbucketSecret()).isEmpty();
        assertThat(settings.azureDevOpsPassword()).isEmpty();
        assertThat(settings.pagerDutySecret()).isEmpty();
        assertThat(settings.serviceMap()).isEmpty();
    }

    @Test
    void shouldReadASecretFromItsFileWhenTheFileVariableIsSet() throws Exception {
        Path file = dir.resolve("github-secret");
        Files.writeString(file, "from-a-file\n");

        WebhookSettings settings = WebhookSettings.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET_FILE", file.toString()));

        assertThat(settings.githubSecret()).hasValueSatisfying(s -> assertThat(s.matches("from-a-file")).isTrue());
    }

    @Test
    void shouldNeverShowASecretWhenDescribed() {
        WebhookSettings settings = WebhookSettings.fromEnv(Map.of("GITHUB_WEBHOOK_SECRET", "hunter2",
                "AZURE_DEVOPS_USER", "flowmeter", "AZURE_DEVOPS_PASSWORD", "hunter3"));

        assertThat(settings.describe().toString()).doesNotContain("hunter2", "hunter3")
                .contains("github=true", "azure-devops=true", "gitlab=false");
        assertThat(settings.githubSecret().orElseThrow().toString()).isEqualTo("****");
    }

    @Test
    void shouldRefuseToStartWhenBothASecretAndItsFileAreSet() {
        assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of("GITLAB_WEBHOOK_TOKEN", "a",
                "GITLAB_WEBHOOK_TOKEN_FILE", "/run/secrets/gitlab")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("set either GITLAB_WEBHOOK_TOKEN or GITLAB_WEBHOOK_TOKEN_FILE, not both");
    }

    @Test
    void shouldTakeTheIncidentLabelWhenNoIncidentLabelsAreSet() {
        assertThat(WebhookSettings.fromEnv(Map.of()).incidentLabels()).containsExactly("incident");
        assertThat(WebhookSettings.fromEnv(Map.of("FLOWMETER_INCIDENT_LABELS", "  ")).incidentLabels())
                .containsExactly("incident");
    }

    @Test
    void shouldTrimLowerCaseAndDeduplicateTheIncidentLabelsWhenTheyAreListed() {
        WebhookSettings settings = WebhookSettings.fromEnv(Map.of("FLOWMETER_INCIDENT_LABELS",
                "Incident, SEV1 ,sev1,type: outage"));

        assertThat(settings.incidentLabels()).containsExactly("incident", "sev1", "type: outage");
        assertThat(settings.describe()).containsEntry("incidentLabels", List.of("incident", "sev1", "type: outage"));
    }

    @Test
    void shouldRefuseToStartNamingTheVariableWhenAnIncidentLabelIsEmpty() {
        assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of("FLOWMETER_INCIDENT_LABELS", "incident,,sev1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_INCIDENT_LABELS has an empty label name at position 2 of 'incident,,sev1'; "
                        + "list GitHub label names separated by commas, e.g. incident,sev1");
        assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of("FLOWMETER_INCIDENT_LABELS", "incident,")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FLOWMETER_INCIDENT_LABELS has an empty label name at position 2 of "
                        + "'incident,'");
    }

    @Test
    void shouldRefuseToStartWhenOnlyHalfOfTheAzureCredentialsAreSet() {
        assertThatThrownBy(() -> WebhookSettings.fromEnv(Map.of("AZURE_DEVOPS_USER", "flowmeter")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("AZURE_DEVOPS_USER and AZURE_DEVOPS_PASSWORD must be set together");
    }
}
