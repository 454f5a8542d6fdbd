package dev.flowmeter.ingest.cdevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.flowmeter.ingest.http.Rejected;
import dev.flowmeter.ingest.webhook.ServiceMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceNamesTest {

    private final ServiceNames names = new ServiceNames(ServiceMap.IDENTITY);

    @TempDir
    Path dir;

    @Test
    void shouldUseTheLastPathSegmentWhenNothingIsMapped() {
        assertThat(names.ofPath("acme/checkout", "f")).isEqualTo("checkout");
        assertThat(names.ofPath("default/checkout", "f")).isEqualTo("checkout");
        assertThat(names.ofPath("https://ci.acme.example:8443/jobs/checkout/?build=7#log", "f")).isEqualTo("checkout");
        assertThat(names.ofPath("Checkout End To End", "f")).isEqualTo("Checkout-End-To-End");
    }

    @Test
    void shouldUseThePurlNameWhenTheArtifactIsAPackageUrl() {
        assertThat(names.ofArtifact("pkg:oci/checkout@sha256%3Aabc?repository_url=ghcr.io/acme/checkout", "f"))
                .isEqualTo("checkout");
        assertThat(names.ofArtifact("pkg:maven/dev.acme/checkout-api@1.4.0?type=jar", "f"))
                .isEqualTo("checkout-api");
        assertThat(names.ofArtifact("pkg:npm/%40acme/web-ui@2.0.0", "f")).isEqualTo("web-ui");
        assertThat(names.ofArtifact("registry.acme.example/checkout:1.4.0", "f")).isEqualTo("checkout-1.4.0");
    }

    @Test
    void shouldPreferTheMostSpecificCandidateWhenTheMapRenamesSeveral() throws IOException {
        Path file = Files.writeString(dir.resolve("map"), """
                checkout = shop/checkout
                acme-legacy/checkout = shop/legacy
                ghcr.io/acme-legacy/checkout = shop/legacy
                ci.acme.example-8443/jobs/checkout = shop/ci
                """);
        ServiceNames mapped = new ServiceNames(ServiceMap.load(file));

        assertThat(mapped.ofPath("acme/checkout", "f")).isEqualTo("shop/checkout");
        assertThat(mapped.ofPath("acme-legacy/checkout", "f")).isEqualTo("shop/legacy");
        assertThat(mapped.ofArtifact("pkg:oci/checkout@sha256:1?repository_url=ghcr.io/acme-legacy/checkout", "f"))
                .isEqualTo("shop/legacy");
        assertThat(mapped.ofPath("https://ci.acme.example:8443/jobs/checkout", "f")).isEqualTo("shop/ci");
    }

    @Test
    void shouldRefuseWith400NamingTheFieldWhenTheIdentifierHasNoName() {
        assertThatThrownBy(() -> names.ofPath("https:///", "context.source")).isInstanceOfSatisfying(Rejected.class,
                r -> assertThat(r.problem().detail()).isEqualTo("the CDEvent's context.source names no service"));
    }

    @Test
    void shouldCanonicaliseThePurlWhenItIsSpelledDifferently() {
        assertThat(PackageUrl.parse("pkg:OCI/checkout@sha256%3Aabc?tag=1&repository_url=x#sub").orElseThrow()
                .canonical()).isEqualTo("pkg:oci/checkout@sha256:abc");
        assertThat(PackageUrl.parse("pkg:golang/example.com/acme/checkout@v1.2.0+incompatible").orElseThrow()
                .canonical()).isEqualTo("pkg:golang/example.com/acme/checkout@v1.2.0+incompatible");
        assertThat(PackageUrl.parse("PKG:oci/checkout@1.0").orElseThrow().canonical())
                .isEqualTo("pkg:oci/checkout@1.0");
        assertThat(PackageUrl.parse("pkg:oci")).isEmpty();
        assertThat(PackageUrl.parse("checkout:1.0")).isEmpty();
    }

    @Test
    void shouldNormaliseTheNameAsThePurlSpecSaysWhenTheTypeIsCaseInsensitive() {
        // The hand-written parser kept these as spelled, so one artifact reported two ways got two stand-in ids.
        assertThat(PackageUrl.parse("pkg:github/Acme/Checkout@v1.0").orElseThrow().canonical())
                .isEqualTo("pkg:github/acme/checkout@v1.0");
        assertThat(PackageUrl.parse("pkg:pypi/Django_Filter@2.0").orElseThrow().canonical())
                .isEqualTo("pkg:pypi/django-filter@2.0");
        assertThat(names.ofArtifact("pkg:github/Acme/Checkout@v1.0", "f")).isEqualTo("checkout");
    }

    @Test
    void shouldDecodeEveryQualifierWhenItIsPercentEncoded() {
        PackageUrl purl = PackageUrl.parse("pkg:oci/checkout@sha256%3Aabc?Repository_URL=ghcr.io%2Facme%2Fcheckout"
                + "&tag=v1%2Brc%261").orElseThrow();

        assertThat(purl.qualifiers()).containsOnly(
                entry("repository_url", "ghcr.io/acme/checkout"),
                entry("tag", "v1+rc&1"));
    }

    @Test
    void shouldNotReadAPurlWhenItBreaksTheSpec() {
        // A stray space or a broken escape is no purl; the id is then compared and named as it is written.
        assertThat(PackageUrl.parse("pkg:oci/check out@1")).isEmpty();
        assertThat(PackageUrl.parse("pkg:oci/checkout@100%")).isEmpty();
    }
}
