package io.cachecheck.remediate;

import java.util.Map;
import java.util.Optional;

/**
 * Maps a key as written in the findings (redacted when keys are redacted) to the real key to act on. Plans and
 * reports keep the written form, so they can be output as they are; only the planner's confinement check and the
 * executor see real keys.
 */
@FunctionalInterface
public interface KeyResolver {
    /** Keys are written as they are (no redaction). */
    KeyResolver PLAIN = Optional::of;

    /** The real key; empty when it cannot be recovered (a sealed key that fails authentication). */
    Optional<String> resolve(String writtenKey);

    /** Looks keys up in a map of written key → real key; a missing entry cannot be recovered. */
    static KeyResolver of(Map<String, String> realKeys) {
        Map<String, String> copy = Map.copyOf(realKeys);
        return key -> Optional.ofNullable(copy.get(key));
    }
}
