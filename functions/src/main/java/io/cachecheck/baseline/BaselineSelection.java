package io.cachecheck.baseline;

import io.cachecheck.error.InvalidInputException;

/**
 * Which earlier baseline a run compares with: the latest one (default), a named earlier run, or none.
 */
public sealed interface BaselineSelection {
    /** The baseline {@code baselines/latest.json} points to; none on the very first run. */
    record Latest() implements BaselineSelection { }

    /** The baseline of a named earlier run; a missing one is an error, not "no baseline". */
    record Run(String runId) implements BaselineSelection {
        public Run {
            ObjectStoreBaselineStore.checkRunId(runId);
        }
    }

    /** Compare with nothing: no regressions, persistent or resolved drift; every drifting key is first seen now. */
    record None() implements BaselineSelection { }

    static BaselineSelection latest() {
        return new Latest();
    }

    static BaselineSelection none() {
        return new None();
    }

    static BaselineSelection run(String runId) {
        return new Run(runId);
    }

    /** Parses {@code latest}, {@code none} or a run id; null or blank means {@code latest}. */
    static BaselineSelection parse(String text) {
        if (text == null || text.isBlank() || text.equals("latest")) {
            return latest();
        }
        if (text.equals("none")) {
            return none();
        }
        try {
            return run(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("baseline: '" + text + "' is neither latest, none nor a run id; "
                    + e.getMessage().replaceFirst("^baseline: ", ""));
        }
    }
}
