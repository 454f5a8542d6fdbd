package dev.flowmeter.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceMapTest {

    private final ServiceMap map = ServiceMap.parse(List.of(
            "# repositories that are not named like their value stream",
            "octo-org/octo-repo = shop/checkout",
            "",
            "octo-org/monorepo:services/cart/ = shop/cart",
            "octo-org/monorepo:services/payments/ = shop/payments"), "test.properties");

    @Test
    void shouldKeepTheRepositoryNameWhenItIsNotMapped() {
        assertThat(map.service("octo-org/other")).isEqualTo("octo-org/other");
        assertThat(ServiceMap.IDENTITY.service("octo-org/octo-repo")).isEqualTo("octo-org/octo-repo");
    }

    @Test
    void shouldRenameTheRepositoryWhenItIsMapped() {
        assertThat(map.service("octo-org/octo-repo")).isEqualTo("shop/checkout");
    }

    @Test
    void shouldPickEveryServiceAChangeTouchesWhenAMonorepoIsSplitByPath() {
        assertThat(map.splitsByPath("octo-org/monorepo")).isTrue();
        assertThat(map.services("octo-org/monorepo", List.of("services/cart/Cart.java", "services/payments/Pay.java",
                "services/cart/README.md"))).containsExactly("shop/cart", "shop/payments");
        assertThat(map.services("octo-org/monorepo", List.of("docs/index.md"))).containsExactly("octo-org/monorepo");
        assertThat(map.services("octo-org/octo-repo", List.of("src/Main.java"))).containsExactly("shop/checkout");
    }

    @Test
    void shouldNameTheLineWhenALineHasNoEqualsSign() {
        assertThatThrownBy(() -> ServiceMap.parse(List.of("a/b = c", "octo-org/repo shop"), "map.properties"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_SERVICE_MAP map.properties line 2: expected 'repository = service' or "
                        + "'repository:path/ = service'");
    }

    @Test
    void shouldNameTheLineWhenAServiceHasCharactersALabelCannotCarry() {
        assertThatThrownBy(() -> ServiceMap.parse(List.of("a/b = shop checkout"), "map.properties"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FLOWMETER_SERVICE_MAP map.properties line 1: service 'shop checkout' must be 1-200 "
                        + "characters of letters, digits, '.', '_', '/' or '-'");
    }
}
