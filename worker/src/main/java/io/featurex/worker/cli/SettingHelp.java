package io.featurex.worker.cli;

import io.featurex.worker.config.Setting;

/** A setting's help line, the same wherever a command offers the setting as a flag. */
public final class SettingHelp {

    private SettingHelp() {}

    /** {@code description} followed by the setting's default (or that it is required) and its variable. */
    public static String describe(Setting s, String description) {
        String fallback = s.defaultValue() == null
                ? " (required)"
                : s.defaultValue().isEmpty() ? "" : " Default: " + s.defaultValue() + ".";
        // picocli formats descriptions with String.format: a literal % must reach it doubled.
        return (description + fallback + " Env: " + s.envName() + ".").replace("%", "%%");
    }

    public static String describe(Setting s) {
        return describe(s, s.description());
    }
}
