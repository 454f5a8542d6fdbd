package dev.flowmeter.streams.dora;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Decides, for every production deployment of one service, whether it failed and why, when it recovered, and
 * whether it was rework, from the whole history the ledger holds; the definitions are those of docs/metrics.md
 * ("Change failure rate" and after). It reads facts only, sorted by time, so the answer does not depend on the order
 * the events arrived in.
 */
public final class Classifier {

    /** Why a deployment counts as failed; one reason each, in this order of precedence. */
    public enum Failure {
        STATUS("status"), ROLLBACK("rollback"), INCIDENT("incident");

        private final String label;

        Failure(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One production deployment as classified.
     *
     * @param failure why it failed; {@code null} when it did not
     * @param failedAt when its failure began: the deployment for a status or rollback failure, the first attributed
     *     incident's opening for an incident failure; {@code null} when it did not fail
     * @param recoveredAt when it recovered; {@code null} while it has not (or when it did not fail)
     * @param rework it was made to recover: it ended a recovery, or came while an attributed incident was open
     * @param incidents the ids of the incidents attributed to it, in id order
     */
    public record Classified(History.Deployment deployment, Failure failure, Long failedAt, Long recoveredAt,
            boolean rework, List<String> incidents) {

        public Classified {
            incidents = List.copyOf(incidents);
        }

        public boolean failed() {
            return failure != null;
        }

        /** The recovery time, when it failed and recovered. */
        public Long recoveryMillis() {
            return failure == null || recoveredAt == null ? null : recoveredAt - failedAt;
        }
    }

    /** The classified production deployments in time order, and which deployment each attributed incident hit. */
    public record Result(String service, List<Classified> deployments, Map<String, History.Deployment> attribution) {

        public Result {
            deployments = List.copyOf(deployments);
            attribution = Map.copyOf(attribution);
        }
    }

    private static final Comparator<History.Deployment> TIME_ORDER = Comparator
            .comparingLong(History.Deployment::time).thenComparing(History.Deployment::id)
            .thenComparing(History.Deployment::environment);

    private Classifier() {
    }

    /** Classifies the deployments of {@code history} to the environments {@code production} accepts. */
    public static Result classify(History history, Predicate<String> production) {
        Map<String, List<History.Deployment>> byEnvironment = new TreeMap<>();
        for (History.Deployment deployment : history.deployments()) {
            if (production.test(deployment.environment())) {
                byEnvironment.computeIfAbsent(deployment.environment(), e -> new ArrayList<>()).add(deployment);
            }
        }
        byEnvironment.values().forEach(list -> list.sort(TIME_ORDER));

        Map<History.Deployment, Failure> failure = new HashMap<>();
        Map<History.Deployment, Long> recovered = new HashMap<>();
        Set<History.Deployment> rework = new HashSet<>();
        for (List<History.Deployment> deployments : byEnvironment.values()) {
            for (int i = 0; i < deployments.size(); i++) {
                History.Deployment deployment = deployments.get(i);
                Failure reason = !deployment.success() ? Failure.STATUS
                        : rolledBack(deployments, i) ? Failure.ROLLBACK : null;
                if (reason == null) {
                    continue;
                }
                failure.put(deployment, reason);
                History.Deployment recovery = nextSuccess(deployments, i);
                if (recovery != null) {
                    recovered.put(deployment, recovery.time());
                    rework.add(recovery);
                }
            }
        }

        Map<History.Deployment, List<History.Incident>> incidentsOf = new HashMap<>();
        Map<String, History.Deployment> attribution = new LinkedHashMap<>();
        List<History.Incident> incidents = new ArrayList<>(history.incidents());
        incidents.sort(Comparator.comparing(History.Incident::id));
        Map<String, List<History.Shipped>> shippedBySha = new HashMap<>();
        if (incidents.stream().anyMatch(incident -> !incident.sha().isEmpty())) {
            for (History.Shipped commit : history.shipped()) {
                shippedBySha.computeIfAbsent(commit.sha(), sha -> new ArrayList<>()).add(commit);
            }
        }
        for (History.Incident incident : incidents) {
            History.Deployment hit = attribute(incident, byEnvironment,
                    shippedBySha.getOrDefault(incident.sha(), List.of()), production);
            if (hit != null) {
                attribution.put(incident.id(), hit);
                incidentsOf.computeIfAbsent(hit, d -> new ArrayList<>()).add(incident);
                // Every deployment to that environment while the incident was open was made to recover from it.
                for (History.Deployment later : byEnvironment.get(hit.environment())) {
                    if (later.time() >= incident.openedAt()
                            && (incident.resolvedAt() == null || later.time() < incident.resolvedAt())) {
                        rework.add(later);
                    }
                }
            }
        }

        List<Classified> classified = new ArrayList<>();
        for (List<History.Deployment> deployments : byEnvironment.values()) {
            for (History.Deployment deployment : deployments) {
                Failure reason = failure.get(deployment);
                List<History.Incident> hits = incidentsOf.getOrDefault(deployment, List.of());
                Long failedAt = null;
                Long recoveredAt = null;
                if (reason != null) {
                    failedAt = deployment.time();
                    recoveredAt = recovered.get(deployment);
                } else if (!hits.isEmpty()) {
                    reason = Failure.INCIDENT;
                    failedAt = hits.stream().mapToLong(History.Incident::openedAt).min().orElseThrow();
                    // Recovered once every incident attributed to it is resolved, when the last one was.
                    boolean allResolved = hits.stream().noneMatch(History.Incident::open);
                    recoveredAt = allResolved
                            ? hits.stream().mapToLong(History.Incident::resolvedAt).max().orElseThrow() : null;
                }
                classified.add(new Classified(deployment, reason, failedAt, recoveredAt, rework.contains(deployment),
                        hits.stream().map(History.Incident::id).toList()));
            }
        }
        classified.sort(Comparator.comparing(Classified::deployment, TIME_ORDER));
        return new Result(history.service(), classified, attribution);
    }

    /**
     * A successful deployment failed by rollback: a later rollback to the same environment comes before the next
     * successful deployment that is not a rollback.
     */
    private static boolean rolledBack(List<History.Deployment> deployments, int index) {
        for (int j = index + 1; j < deployments.size(); j++) {
            History.Deployment later = deployments.get(j);
            if (later.rollback()) {
                return true;
            }
            if (later.success()) {
                return false;
            }
        }
        return false;
    }

    /** The first successful deployment after {@code index} to the same environment; {@code null} if none yet. */
    private static History.Deployment nextSuccess(List<History.Deployment> deployments, int index) {
        for (int j = index + 1; j < deployments.size(); j++) {
            if (deployments.get(j).success()) {
                return deployments.get(j);
            }
        }
        return null;
    }

    /**
     * The deployment an incident is attributed to: the earliest successful production deployment that shipped the
     * incident's sha (as its own sha, or as a commit it shipped first), when the incident names one and it is
     * known; else the last successful production deployment that finished before the incident opened. Only
     * environments the incident names (when it names one) count. An incident in an environment that is not
     * production, or whose opening has not been seen, is attributed to nothing. {@code shipped} holds the records
     * of the incident's sha reaching each environment.
     */
    private static History.Deployment attribute(History.Incident incident,
            Map<String, List<History.Deployment>> byEnvironment, List<History.Shipped> shipped,
            Predicate<String> production) {
        if (incident.openedAt() == null) {
            return null;
        }
        String environment = incident.environment();
        if (!environment.isEmpty() && !production.test(environment)) {
            return null;
        }
        Predicate<History.Deployment> inScope = d -> d.success()
                && (environment.isEmpty() || d.environment().equals(environment));
        if (!incident.sha().isEmpty()) {
            History.Deployment bySha = null;
            for (Map.Entry<String, List<History.Deployment>> entry : byEnvironment.entrySet()) {
                for (History.Deployment deployment : entry.getValue()) {
                    if (inScope.test(deployment) && (deployment.sha().equals(incident.sha())
                            || shippedBy(shipped, deployment))
                            && (bySha == null || TIME_ORDER.compare(deployment, bySha) < 0)) {
                        bySha = deployment;
                    }
                }
            }
            if (bySha != null) {
                return bySha;
            }
        }
        History.Deployment last = null;
        for (List<History.Deployment> deployments : byEnvironment.values()) {
            for (History.Deployment deployment : deployments) {
                if (inScope.test(deployment) && deployment.time() < incident.openedAt()
                        && (last == null || TIME_ORDER.compare(deployment, last) > 0)) {
                    last = deployment;
                }
            }
        }
        return last;
    }

    private static boolean shippedBy(List<History.Shipped> shipped, History.Deployment deployment) {
        for (History.Shipped commit : shipped) {
            if (commit.deployedAt() == deployment.time()
                    && commit.environment().equals(deployment.environment())) {
                return true;
            }
        }
        return false;
    }
}
