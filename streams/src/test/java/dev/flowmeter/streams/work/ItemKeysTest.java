package dev.flowmeter.streams.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ItemKeysTest {

    private final ItemKeys keys = ItemKeys.defaults();

    @Test
    void shouldFindJiraKeysAndIssuesInTheOrderTheyAppear() {
        assertThat(keys.find("PAY-12: charge in cents (#42, closes PAY-7)")).containsExactly("PAY-12", "#42", "PAY-7");
        assertThat(keys.find("Merge branch 'feature/PAY-123-refunds'")).containsExactly("PAY-123");
        assertThat(keys.find("feature/PAY-123-refunds")).containsExactly("PAY-123");
        assertThat(keys.find("BILL2-9 and PAY-1 and PAY-1 again")).containsExactly("BILL2-9", "PAY-1");
    }

    @Test
    void shouldCountOnlyWholeWords() {
        assertThat(keys.find("xPAY-1 and 2PAY-1 are not PAY-1")).containsExactly("PAY-1");
        assertThat(keys.find("PAY-1x, pay-1, P-1, PAY-")).isEmpty();
        assertThat(keys.find("abc#42 &#42; #42a")).isEmpty();
        assertThat(keys.find("(#42)")).containsExactly("#42");
        assertThat(keys.find("")).isEmpty();
        assertThat(keys.find(null)).isEmpty();
    }

    @Test
    void shouldLetExplicitItemsWin() {
        assertThat(keys.of(List.of("PAY-9"), "PAY-12 in the subject", "feature/PAY-13")).containsExactly("PAY-9");
        assertThat(keys.of(List.of(), "PAY-12 in the subject", "feature/PAY-13", "")).containsExactly("PAY-12",
                "PAY-13");
    }

    @Test
    void shouldTakeAPatternOfItsOwn() {
        ItemKeys linear = ItemKeys.of("ENG-\\d+");
        assertThat(linear.find("ENG-5 fixes PAY-12 and #3")).containsExactly("ENG-5", "#3");
        assertThat(linear.pattern()).isEqualTo("ENG-\\d+");
        assertThatThrownBy(() -> ItemKeys.of("[A-Z"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a regular expression: ");
    }
}
