package dev.flowmeter.api;

import dev.flowmeter.ingest.webhook.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The secrets that enable the webhook endpoints, one source each. A secret comes from its variable or, for secret
 * stores that mount files, from the file named by {@code <VARIABLE>_FILE}. A source without its secret stays
 * disabled: its endpoint answers 404 and accepts nothing.
 */
public record WebhookSettings(
        Optional<Secret> githubSecret,
        Optional<Secret> gitlabToken,
        Optional<Secret> cdeventsToken,
        Optional<Secret> bitbucketSecret,
        Optional<String> azureDevOpsUser,
        Optional<Secret> azureDevOpsPassword,
        Optional<Secret> pagerDutySecret,
        Optional<Path> serviceMap) {

    public static final String GITHUB_WEBHOOK_SECRET = "GITHUB_WEBHOOK_SECRET";
    public static final String GITLAB_WEBHOOK_TOKEN = "GITLAB_WEBHOOK_TOKEN";
    public static final String CDEVENTS_TOKEN = "CDEVENTS_TOKEN";
    public static final String BITBUCKET_WEBHOOK_SECRET = "BITBUCKET_WEBHOOK_SECRET";
    public static final String AZURE_DEVOPS_USER = "AZURE_DEVOPS_USER";
    public static final String AZURE_DEVOPS_PASSWORD = "AZURE_DEVOPS_PASSWORD";
    public static final String PAGERDUTY_WEBHOOK_SECRET = "PAGERDUTY_WEBHOOK_SECRET";
    public static final String FLOWMETER_SERVICE_MAP = "FLOWMETER_SERVICE_MAP";

    static WebhookSettings fromEnv(Map<String, String> env) {
        Optional<String> azureUser = text(env, AZURE_DEVOPS_USER);
        Optional<Secret> azurePassword = secret(env, AZURE_DEVOPS_PASSWORD);
        if (azureUser.isPresent() != azurePassword.isPresent()) {
            throw new IllegalArgumentException(AZURE_DEVOPS_USER + " and " + AZURE_DEVOPS_PASSWORD
                    + " must be set together");
        }
        return new WebhookSettings(
                secret(env, GITHUB_WEBHOOK_SECRET),
                secret(env, GITLAB_WEBHOOK_TOKEN),
                secret(env, CDEVENTS_TOKEN),
                secret(env, BITBUCKET_WEBHOOK_SECRET),
                azureUser,
                azurePassword,
                secret(env, PAGERDUTY_WEBHOOK_SECRET),
                text(env, FLOWMETER_SERVICE_MAP).map(Path::of));
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
        view.put("serviceMap", serviceMap.map(Path::toString).orElse("none"));
        return view;
    }

    private static Optional<String> text(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static Optional<Secret> secret(Map<String, String> env, String name) {
        Optional<String> direct = text(env, name);
        Optional<String> file = text(env, name + "_FILE");
        if (direct.isPresent() && file.isPresent()) {
            throw new IllegalArgumentException("set either " + name + " or " + name + "_FILE, not both");
        }
        if (file.isPresent()) {
            try {
                String value = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(name + "_FILE names an empty file: " + file.get());
                }
                return Optional.of(Secret.of(value));
            } catch (IOException e) {
                throw new UncheckedIOException(name + "_FILE: cannot read " + file.get(), e);
            }
        }
        return direct.map(Secret::of);
    }
}
