package dev.flowmeter.streams.metrics;

import java.util.List;

/**
 * Every metric Flowmeter serves, with its Prometheus name, help text, labels and (for histograms) buckets. Labels
 * come only from bounded sets; never a sha, item, id or person.
 */
public enum Metric {
    LEAD_TIME("flowmeter_lead_time_seconds", Kind.HISTOGRAM,
            "Time from a commit to its first successful deployment to an environment.",
            Buckets.DURATION, List.of("service", "environment")),
    DEPLOYMENTS("flowmeter_deployments", Kind.COUNTER,
            "Finished deployments, by outcome.",
            Buckets.NONE, List.of("service", "environment", "outcome")),
    DEPLOYMENT_COMMITS("flowmeter_deployment_commits", Kind.HISTOGRAM,
            "Commits shipped for the first time to an environment by one successful deployment (batch size).",
            Buckets.COMMITS, List.of("service", "environment")),
    FAILED_DEPLOYMENTS("flowmeter_failed_deployments", Kind.COUNTER,
            "Production deployments that failed, by the reason they count as failed (status, rollback or"
                    + " incident); each deployment once.",
            Buckets.NONE, List.of("service", "environment", "reason")),
    RECOVERY_TIME("flowmeter_recovery_time_seconds", Kind.HISTOGRAM,
            "Failed deployment recovery time: from a failed production deployment (or its incident's opening) to"
                    + " its recovery.",
            Buckets.DURATION, List.of("service", "environment")),
    REWORK_DEPLOYMENTS("flowmeter_rework_deployments", Kind.COUNTER,
            "Production deployments made to recover: those that ended a recovery, and those made while an"
                    + " attributed incident was open.",
            Buckets.NONE, List.of("service", "environment")),
    FAILURES_UNRECOVERED("flowmeter_failures_unrecovered", Kind.GAUGE,
            "Failed production deployments not recovered yet.",
            Buckets.NONE, List.of("service", "environment")),
    INCIDENTS("flowmeter_incidents", Kind.COUNTER,
            "Incidents opened.",
            Buckets.NONE, List.of("service")),
    INCIDENTS_OPEN("flowmeter_incidents_open", Kind.GAUGE,
            "Incidents open now.",
            Buckets.NONE, List.of("service")),
    SERVICE_INFO("flowmeter_service_info", Kind.GAUGE,
            "1 for every service, with its team from FLOWMETER_TEAMS (empty when none): join on service.",
            Buckets.NONE, List.of("service", "team")),
    STAGE_DURATION("flowmeter_stage_duration_seconds", Kind.HISTOGRAM,
            "Time a change spent in each stage (coding, pickup, review, deploy), observed once it reached production.",
            Buckets.DURATION, List.of("service", "stage")),
    ENVIRONMENT_HOP("flowmeter_environment_hop_seconds", Kind.HISTOGRAM,
            "Time a change took from its merge (from=\"merged\") or one environment to the next, on its way to"
                    + " production.",
            Buckets.DURATION, List.of("service", "from", "to")),
    CYCLE_TIME("flowmeter_cycle_time_seconds", Kind.HISTOGRAM,
            "Cycle time of a change: its first commit to its first production deployment, the sum of its stages.",
            Buckets.DURATION, List.of("service")),
    FLOW_EFFICIENCY("flowmeter_flow_efficiency", Kind.HISTOGRAM,
            "Share of a change's cycle time that was active work (review, gate work), from 0 to 1.",
            Buckets.RATIO, List.of("service")),
    FORECASTS_SCORED("flowmeter_forecasts_scored", Kind.COUNTER,
            "Forecasts scored against when their change reached production: the one it had when opened, and the one"
                    + " when merged, each when there was history enough to make it.",
            Buckets.NONE, List.of("service")),
    FORECAST_HITS("flowmeter_forecast_hits", Kind.COUNTER,
            "Scored forecasts whose percentile (p50, p85, p95) the change reached production by.",
            Buckets.NONE, List.of("service", "percentile")),
    UNDEPLOYED_CHANGES("flowmeter_undeployed_changes", Kind.GAUGE,
            "Merged changes not yet in the environment: what ships next.",
            Buckets.NONE, List.of("service", "environment")),
    UNDEPLOYED_COMMITS("flowmeter_undeployed_commits", Kind.GAUGE,
            "Commits deployed to another environment but not yet to this one.",
            Buckets.NONE, List.of("service", "environment")),
    UNDEPLOYED_OLDEST_AGE("flowmeter_undeployed_oldest_age_seconds", Kind.GAUGE,
            "Age of the oldest merged change not yet in the environment, 0 when none waits.",
            Buckets.NONE, List.of("service", "environment")),
    ENVIRONMENTS_ALIVE("flowmeter_environments_alive", Kind.GAUGE,
            "Environments ready and not deleted, by kind.",
            Buckets.NONE, List.of("kind")),
    ENVIRONMENT_PROVISIONING("flowmeter_environment_provisioning_seconds", Kind.HISTOGRAM,
            "Time from an environment's request to its being ready, by kind.",
            Buckets.DURATION, List.of("kind")),
    ENVIRONMENT_OLDEST_AGE("flowmeter_environment_oldest_age_seconds", Kind.GAUGE,
            "Age of the oldest environment alive (since it was ready), by kind; 0 when none is.",
            Buckets.NONE, List.of("kind")),
    ENVIRONMENT_LIFETIME("flowmeter_environment_lifetime_seconds", Kind.HISTOGRAM,
            "Time from an environment's being ready to its deletion, by kind.",
            Buckets.DURATION, List.of("kind")),
    WORK_FLOW_TIME("flowmeter_work_flow_time_seconds", Kind.HISTOGRAM,
            "Flow time of a work item: from its first start to its being done; a reopened item done again is"
                    + " observed again.",
            Buckets.DURATION, List.of("service", "kind")),
    WORK_LEAD_TIME("flowmeter_work_lead_time_seconds", Kind.HISTOGRAM,
            "Lead time of a work item: from its creation to the production deployment that shipped the last of its"
                    + " commits, observed once it is done and all of them are in production.",
            Buckets.DURATION, List.of("service", "kind")),
    WORK_IN_PROGRESS("flowmeter_work_in_progress", Kind.GAUGE,
            "Work items started (or reopened) and neither done nor cancelled: the flow load.",
            Buckets.NONE, List.of("service", "kind")),
    WORK_DONE("flowmeter_work_done", Kind.COUNTER,
            "Work items done (a reopened item done again counts again).",
            Buckets.NONE, List.of("service", "kind")),
    GATE_QUEUE_WAIT("flowmeter_gate_queue_wait_seconds", Kind.HISTOGRAM,
            "Time an item waited at a gate before work on it started (or it was finished without a start).",
            Buckets.DURATION, List.of("service", "gate")),
    GATE_DURATION("flowmeter_gate_duration_seconds", Kind.HISTOGRAM,
            "Time from the start of work on an item at a gate to its outcome.",
            Buckets.DURATION, List.of("service", "gate", "outcome")),
    GATE_WAITING_ITEMS("flowmeter_gate_waiting_items", Kind.GAUGE,
            "Items queued at a gate that have neither started nor finished.",
            Buckets.NONE, List.of("service", "gate")),
    GATE_OLDEST_WAIT("flowmeter_gate_oldest_wait_seconds", Kind.GAUGE,
            "Age of the oldest item still waiting at a gate, 0 when none waits.",
            Buckets.NONE, List.of("service", "gate")),
    GATE_STALLED_ITEMS("flowmeter_gate_stalled_items", Kind.GAUGE,
            "Items waiting at a gate longer than its limit in FLOWMETER_GATE_LIMITS; 0 at a gate with no limit.",
            Buckets.NONE, List.of("service", "gate")),
    GATE_LIMIT("flowmeter_gate_limit_seconds", Kind.GAUGE,
            "How long an item may wait at a gate before it counts as stalled, per FLOWMETER_GATE_LIMITS; the gate"
                    + " named default is the limit of every gate not named.",
            Buckets.NONE, List.of("gate")),
    GATE_ABANDONED("flowmeter_gate_abandoned", Kind.COUNTER,
            "Items closed as abandoned after waiting at a gate longer than FLOWMETER_GATE_ITEM_RETENTION.",
            Buckets.NONE, List.of("service", "gate")),
    EVENTS("flowmeter_events", Kind.COUNTER,
            "Delivery events processed, redeliveries excluded.",
            Buckets.NONE, List.of("type")),
    EVENTS_DUPLICATE("flowmeter_events_duplicate", Kind.COUNTER,
            "Redelivered events (an id already seen for the service), counted and otherwise ignored.",
            Buckets.NONE, List.of()),
    EVENTS_REJECTED("flowmeter_events_rejected", Kind.COUNTER,
            "Requests refused at the HTTP boundary, by reason.",
            Buckets.NONE, List.of("reason")),
    PROCESSING_ERRORS("flowmeter_processing_errors", Kind.COUNTER,
            "Records the topology could not read or process, skipped and written to the dead-letter topic.",
            Buckets.NONE, List.of("reason"));

    /** How a metric is exposed. */
    public enum Kind { COUNTER, GAUGE, HISTOGRAM }

    private final String prometheusName;
    private final Kind kind;
    private final String help;
    private final Buckets buckets;
    private final List<String> labelNames;

    Metric(String prometheusName, Kind kind, String help, Buckets buckets, List<String> labelNames) {
        this.prometheusName = prometheusName;
        this.kind = kind;
        this.help = help;
        this.buckets = buckets;
        this.labelNames = labelNames;
    }

    /** The name without the {@code _total} suffix the exposition format adds to counters. */
    public String prometheusName() {
        return prometheusName;
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }

    public Buckets buckets() {
        return buckets;
    }

    public List<String> labelNames() {
        return labelNames;
    }
}
