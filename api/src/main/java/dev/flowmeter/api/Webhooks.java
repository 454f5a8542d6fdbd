package dev.flowmeter.api;

import dev.flowmeter.ingest.azuredevops.AzureDevOpsSource;
import dev.flowmeter.ingest.bitbucket.BitbucketSource;
import dev.flowmeter.ingest.cdevents.CdEventsSource;
import dev.flowmeter.ingest.github.GitHubSource;
import dev.flowmeter.ingest.gitlab.GitLabSource;
import dev.flowmeter.ingest.http.IngestDependencies;
import dev.flowmeter.ingest.jira.JiraSource;
import dev.flowmeter.ingest.pagerduty.PagerDutySource;
import dev.flowmeter.ingest.webhook.ServiceMap;
import dev.flowmeter.ingest.webhook.WebhookRoute;
import dev.flowmeter.ingest.webhook.WebhookSource;
import io.javalin.config.JavalinConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Mounts one endpoint per webhook source: enabled when its secret is configured, a helpful 404 otherwise. */
final class Webhooks {

    /** A source as the server knows it: its name, what enables it, and the adapter when enabled. */
    private record Entry(String name, String enabledBy, Optional<WebhookSource> source) {
    }

    private Webhooks() {
    }

    /** Mounts every source and returns the names of those enabled. */
    static List<String> register(JavalinConfig config, WebhookSettings settings, IngestDependencies ingest) {
        ServiceMap services = settings.serviceMap().map(ServiceMap::load).orElse(ServiceMap.IDENTITY);
        List<String> enabled = new ArrayList<>();
        for (Entry entry : entries(settings, services)) {
            if (entry.source().isPresent()) {
                new WebhookRoute(entry.source().get(), ingest).register(config);
                enabled.add(entry.name());
            } else {
                WebhookRoute.registerDisabled(config, entry.name(), entry.enabledBy());
            }
        }
        return List.copyOf(enabled);
    }

    private static List<Entry> entries(WebhookSettings settings, ServiceMap services) {
        List<Entry> entries = new ArrayList<>();
        // One line per source; each adapter takes its secret and the service map.
        entries.add(new Entry(GitLabSource.NAME, WebhookSettings.GITLAB_WEBHOOK_TOKEN,
                settings.gitlabToken().map(token -> new GitLabSource(token, services, settings.workKinds()))));
        entries.add(new Entry("cdevents", WebhookSettings.CDEVENTS_TOKEN,
                settings.cdeventsToken().map(token -> new CdEventsSource(token, services))));
        entries.add(new Entry("bitbucket", WebhookSettings.BITBUCKET_WEBHOOK_SECRET,
                settings.bitbucketSecret().map(secret -> new BitbucketSource(secret, services))));
        entries.add(new Entry("azure-devops",
                WebhookSettings.AZURE_DEVOPS_USER + " and " + WebhookSettings.AZURE_DEVOPS_PASSWORD,
                settings.azureDevOpsUser().flatMap(user -> settings.azureDevOpsPassword()
                        .map(password -> new AzureDevOpsSource(user, password, services)))));
        entries.add(new Entry("pagerduty", WebhookSettings.PAGERDUTY_WEBHOOK_SECRET,
                settings.pagerDutySecret().map(secret -> new PagerDutySource(secret, services))));
        entries.add(new Entry("jira", WebhookSettings.JIRA_WEBHOOK_SECRET,
                settings.jiraSecret().map(secret -> new JiraSource(secret, services, settings.workKinds()))));
        entries.add(new Entry(GitHubSource.NAME, WebhookSettings.GITHUB_WEBHOOK_SECRET,
                settings.githubSecret().map(secret -> new GitHubSource(secret, services, settings.incidentLabels(),
                        settings.workKinds()))));
        return entries;
    }
}
