package io.cachecheck.config;

import java.util.function.Function;

/**
 * One configuration setting: its environment variable name, default and description, declared together once in
 * {@link Settings}.
 *
 * @param name         the environment variable
 * @param defaultValue the value when the variable is unset or blank; null = no default
 * @param description  what it is for (rendered in docs/workflow.md)
 * @param parser       turns the variable's text into a value; throws IllegalArgumentException on bad text
 */
public record Setting<T>(String name, T defaultValue, String description, Function<String, T> parser) {

    static Setting<String> text(String name, String defaultValue, String description) {
        return new Setting<>(name, defaultValue, description, Function.identity());
    }

    static Setting<Integer> integer(String name, int defaultValue, String description) {
        return new Setting<>(name, defaultValue, description, Integer::valueOf);
    }

    static Setting<Boolean> bool(String name, boolean defaultValue, String description) {
        return new Setting<>(name, defaultValue, description, text -> {
            if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException("must be true or false");
            }
            return Boolean.valueOf(text);
        });
    }
}
