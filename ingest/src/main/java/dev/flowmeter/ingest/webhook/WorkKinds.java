package dev.flowmeter.ingest.webhook;

import dev.flowmeter.events.WorkKind;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which of the four flow item kinds a tracker's issue is, from its issue type and its labels
 * ({@code FLOWMETER_WORK_KINDS}). Rules are {@code name=kind}, separated by commas: {@code Bug=defect} matches the
 * issue type, {@code label:security=risk} a label, and {@code *=feature} says what an issue matching nothing is. A
 * label rule wins over a type rule (a Story labelled {@code security} is a risk); names compare without regard to
 * case. The rules given add to and override the defaults:
 *
 * <pre>
 * Bug, Defect, Incident = defect; Story, Feature, New Feature, Improvement, Epic = feature;
 * Task, Sub-task, Subtask, Chore, Technical Debt, Tech Debt, Refactoring = debt;
 * Security, Vulnerability, Risk, Compliance = risk; labels bug = defect, security = risk; anything else = feature
 * </pre>
 */
public final class WorkKinds {

    public static final String VARIABLE = "FLOWMETER_WORK_KINDS";
    public static final WorkKinds DEFAULTS = defaults();
    private static final String LABEL = "label:";
    private static final String OTHERWISE = "*";

    private final Map<String, WorkKind> types;
    private final Map<String, WorkKind> labels;
    private final WorkKind otherwise;

    private WorkKinds(Map<String, WorkKind> types, Map<String, WorkKind> labels, WorkKind otherwise) {
        this.types = Map.copyOf(types);
        this.labels = Map.copyOf(labels);
        this.otherwise = otherwise;
    }

    private static WorkKinds defaults() {
        Map<String, WorkKind> types = new LinkedHashMap<>();
        for (String type : new String[] {"bug", "defect", "incident"}) {
            types.put(type, WorkKind.DEFECT);
        }
        for (String type : new String[] {"story", "feature", "new feature", "improvement", "epic"}) {
            types.put(type, WorkKind.FEATURE);
        }
        for (String type : new String[] {"task", "sub-task", "subtask", "chore", "technical debt", "tech debt",
                "refactoring"}) {
            types.put(type, WorkKind.DEBT);
        }
        for (String type : new String[] {"security", "vulnerability", "risk", "compliance"}) {
            types.put(type, WorkKind.RISK);
        }
        return new WorkKinds(types, Map.of("bug", WorkKind.DEFECT, "security", WorkKind.RISK), WorkKind.FEATURE);
    }

    /**
     * The defaults with {@code rules} added on top, such as {@code "Spike=debt, label:customer=feature, *=debt"};
     * a bad rule fails naming it and {@value #VARIABLE}.
     */
    public static WorkKinds parse(String rules) {
        Map<String, WorkKind> types = new LinkedHashMap<>(DEFAULTS.types);
        Map<String, WorkKind> labels = new LinkedHashMap<>(DEFAULTS.labels);
        WorkKind otherwise = DEFAULTS.otherwise;
        for (String rule : rules.split(",")) {
            String trimmed = rule.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int equals = trimmed.lastIndexOf('=');
            String name = equals < 0 ? "" : trimmed.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            String kindName = equals < 0 ? "" : trimmed.substring(equals + 1).strip().toLowerCase(Locale.ROOT);
            WorkKind kind = kindOf(kindName);
            if (name.isEmpty() || name.equals(LABEL) || kind == null) {
                throw new IllegalArgumentException(VARIABLE + " has '" + trimmed + "': each rule is name=kind, such as"
                        + " Bug=defect, label:security=risk or *=feature, and the kind one of feature, defect, risk,"
                        + " debt");
            }
            if (name.equals(OTHERWISE)) {
                otherwise = kind;
            } else if (name.startsWith(LABEL)) {
                labels.put(name.substring(LABEL.length()).strip(), kind);
            } else {
                types.put(name, kind);
            }
        }
        return new WorkKinds(types, labels, otherwise);
    }

    private static WorkKind kindOf(String wireName) {
        for (WorkKind kind : WorkKind.values()) {
            if (kind.wireName().equals(wireName)) {
                return kind;
            }
        }
        return null;
    }

    /** The kind of an issue of type {@code type} (empty when the tracker has none) with {@code issueLabels}. */
    public WorkKind kindOf(Optional<String> type, Collection<String> issueLabels) {
        for (String label : issueLabels) {
            WorkKind kind = labels.get(label.strip().toLowerCase(Locale.ROOT));
            if (kind != null) {
                return kind;
            }
        }
        if (type.isPresent()) {
            WorkKind kind = types.get(type.get().strip().toLowerCase(Locale.ROOT));
            if (kind != null) {
                return kind;
            }
        }
        return otherwise;
    }
}
