package dev.flowmeter.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowmeter.events.WorkKind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkKindsTest {

    @Test
    void shouldMapTheUsualIssueTypesByDefault() {
        WorkKinds kinds = WorkKinds.DEFAULTS;
        assertThat(kinds.kindOf(Optional.of("Bug"), List.of())).isEqualTo(WorkKind.DEFECT);
        assertThat(kinds.kindOf(Optional.of("Story"), List.of())).isEqualTo(WorkKind.FEATURE);
        assertThat(kinds.kindOf(Optional.of("Sub-task"), List.of())).isEqualTo(WorkKind.DEBT);
        assertThat(kinds.kindOf(Optional.of("Task"), List.of())).isEqualTo(WorkKind.DEBT);
        assertThat(kinds.kindOf(Optional.of("vulnerability"), List.of())).isEqualTo(WorkKind.RISK);
        assertThat(kinds.kindOf(Optional.of("Spike"), List.of())).isEqualTo(WorkKind.FEATURE);
        // GitHub issues without a type: their labels say it, or nothing does.
        assertThat(kinds.kindOf(Optional.empty(), List.of("good first issue", "bug"))).isEqualTo(WorkKind.DEFECT);
        assertThat(kinds.kindOf(Optional.empty(), List.of())).isEqualTo(WorkKind.FEATURE);
        // A label wins over the type.
        assertThat(kinds.kindOf(Optional.of("Story"), List.of("Security"))).isEqualTo(WorkKind.RISK);
    }

    @Test
    void shouldAddTheRulesGivenToTheDefaults() {
        WorkKinds kinds = WorkKinds.parse(" Spike = debt, label:customer=feature, Bug=risk, *=debt,");
        assertThat(kinds.kindOf(Optional.of("spike"), List.of())).isEqualTo(WorkKind.DEBT);
        assertThat(kinds.kindOf(Optional.of("Task"), List.of("customer"))).isEqualTo(WorkKind.FEATURE);
        assertThat(kinds.kindOf(Optional.of("Bug"), List.of())).isEqualTo(WorkKind.RISK);
        assertThat(kinds.kindOf(Optional.of("Story"), List.of())).isEqualTo(WorkKind.FEATURE);
        assertThat(kinds.kindOf(Optional.of("Unknown"), List.of())).isEqualTo(WorkKind.DEBT);
    }

    @Test
    void shouldNameTheBadRule() {
        for (String bad : List.of("Bug", "Bug=bugfix", "=debt", "label:=risk")) {
            assertThatThrownBy(() -> WorkKinds.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("FLOWMETER_WORK_KINDS has '" + bad + "': each rule is name=kind, such as Bug=defect,"
                            + " label:security=risk or *=feature, and the kind one of feature, defect, risk, debt");
        }
    }
}
