package dev.flowmeter.api;

import dev.flowmeter.ingest.github.GitHubSource;
import dev.flowmeter.ingest.webhook.Secret;
import dev.flowmeter.ingest.webhook.WorkKinds;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The secrets that enable the webhook endpoints, one source each. A secret comes from its variable or, for secret
 * stores that mount files, from the file named by {@code <VARIABLE>_FILE}. A source without its secret stays
 * disabled: its endpoint answers 404 and accepts nothing. {@code incidentLabels} are the GitHub issue labels that make
 * an issue an incident, lower-cased, each once; {@code workKinds} say which flow item kind a tracker's issue is.
 */
public record WebhookSettings(
        Optional<Secret> githubSecret,
        Optional<Secret> gitlabToken,
        Optional<Secret> cdeventsToken,
        Optional<Secret> bitbucketSecret,
        Optional<String> azureDevOpsUser,
        Optional<Secret> azureDevOpsPassword,
        Optional<Secret> pagerDutySecret,
        Optional<Secret> jiraSecret,
        Optional<Path> serviceMap,
        List<String> incidentLabels,
        WorkKinds workKinds) {

    public static final String GITHUB_WEBHOOK_SECRET = "GITHUB_WEBHOOK_SECRET";
    public static final String GITLAB_WEBHOOK_TOKEN = "GITLAB_WEBHOOK_TOKEN";
    public static final String CDEVENTS_TOKEN = "CDEVENTS_TOKEN";
    public static final String BITBUCKET_WEBHOOK_SECRET = "BITBUCKET_WEBHOOK_SECRET";
    public static final String AZURE_DEVOPS_USER = "AZURE_DEVOPS_USER";
    public static final String AZURE_DEVOPS_PASSWORD = "AZURE_DEVOPS_PASSWORD";
    public static final String PAGERDUTY_WEBHOOK_SECRET = "PAGERDUTY_WEBHOOK_SECRET";
    public static final String JIRA_WEBHOOK_SECRET = "JIRA_WEBHOOK_SECRET";
    public static final String FLOWMETER_SERVICE_MAP = "FLOWMETER_SERVICE_MAP";
    public static final String FLOWMETER_INCIDENT_LABELS = "FLOWMETER_INCIDENT_LABELS";
    public static final List<String> DEFAULT_INCIDENT_LABELS = GitHubSource.DEFAULT_INCIDENT_LABELS;

    public WebhookSettings {
        incidentLabels = List.copyOf(incidentLabels);
    }

    static WebhookSettings fromEnv(Map<String, String> env) {
        EnvReader read = new EnvReader(env);
        Optional<String> azureUser = read.optional(AZURE_DEVOPS_USER);
        Optional<Secret> azurePassword = read.secret(AZURE_DEVOPS_PASSWORD);
        if (azureUser.isPresent() != azurePassword.isPresent()) {
            throw new IllegalArgumentException(AZURE_DEVOPS_USER + " and " + AZURE_DEVOPS_PASSWORD
                    + " must be set together");
        }
        return new WebhookSettings(
                read.secret(GITHUB_WEBHOOK_SECRET),
                read.secret(GITLAB_WEBHOOK_TOKEN),
                read.secret(CDEVENTS_TOKEN),
                read.secret(BITBUCKET_WEBHOOK_SECRET),
                azureUser,
                azurePassword,
                read.secret(PAGERDUTY_WEBHOOK_SECRET),
                read.secret(JIRA_WEBHOOK_SECRET),
                read.optional(FLOWMETER_SERVICE_MAP).map(Path::of),
                read.optional(FLOWMETER_INCIDENT_LABELS).map(WebhookSettings::incidentLabels)
                        .orElse(DEFAULT_INCIDENT_LABELS),
                read.optional(WorkKinds.VARIABLE).map(WorkKinds::parse).orElse(WorkKinds.DEFAULTS));
    }

    /**
     * A comma-separated list of label names, each trimmed and lower-cased (GitHub compares label names without regard
     * to case); an empty name is a mistake in the list, not a label, so it fails start-up.
     */
    private static List<String> incidentLabels(String value) {
        Set<String> labels = new LinkedHashSet<>();
        String[] names = value.split(",", -1);
        for (int i = 0; i < names.length; i++) {
            String name = names[i].strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException(FLOWMETER_INCIDENT_LABELS + " has an empty label name at position "
                        + (i + 1) + " of '" + value + "'; list GitHub label names separated by commas, e.g. "
                        + "incident,sev1");
            }
            labels.add(name.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(labels);
    }

    /** Which sources are enabled, for the start-up log; never the secrets themselves. */
    Map<String, Object> describe() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("github", githubSecret.isPresent());
        view.put("gitlab", gitlabToken.isPresent());
        view.put("cdevents", cdeventsToken.isPresent());
        view.put("bitbucket", bitbucketSecret.isPresent());
        view.put("azure-devops", azureDevOpsPassword.isPresent());
        view.put("pagerduty", pagerDutySecret.isPresent());
        view.put("jira", jiraSecret.isPresent());
        view.put("serviceMap", serviceMap.map(Path::toString).orElse("none"));
        view.put("incidentLabels", incidentLabels);
        return view;
    }
}
