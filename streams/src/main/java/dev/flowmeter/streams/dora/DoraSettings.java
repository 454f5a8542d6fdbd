package dev.flowmeter.streams.dora;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What the DORA keys need besides the ledger: which environments are production, and the bands.
 *
 * @param production matched against the whole environment name, case-insensitively
 */
public record DoraSettings(Pattern production, Bands bands) {

    /** {@code prod}, {@code production} or {@code live}, in any case. */
    public static final String DEFAULT_PRODUCTION = "prod|production|live";

    public static final DoraSettings DEFAULTS = new DoraSettings(compile(DEFAULT_PRODUCTION), Bands.DEFAULTS);

    public DoraSettings {
        Objects.requireNonNull(production, "production");
        Objects.requireNonNull(bands, "bands");
    }

    /** The pattern for production environment names, whole-name and case-insensitive. */
    public static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    /** Production environments, or exactly {@code environment} when one is asked for. */
    public Predicate<String> environments(String environment) {
        return environment == null ? name -> production.matcher(name).matches() : environment::equals;
    }
}
