package dev.flowmeter.streams.work;

import dev.flowmeter.streams.dora.DoraSettings;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the work-item step needs to know: which environments are production (an item reaches customers there) and
 * how to find item keys in commit subjects, change titles and branch names.
 */
public record WorkSettings(Pattern production, ItemKeys keys) {

    public static final WorkSettings DEFAULTS = new WorkSettings(DoraSettings.DEFAULTS.production(),
            ItemKeys.defaults());

    public WorkSettings {
        Objects.requireNonNull(production, "production");
        Objects.requireNonNull(keys, "keys");
    }

    boolean isProduction(String environment) {
        return production.matcher(environment).matches();
    }
}
