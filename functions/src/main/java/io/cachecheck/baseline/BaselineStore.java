package io.cachecheck.baseline;

import java.util.Optional;

/** Keeps baselines between runs. */
public interface BaselineStore {
    /**
     * Loads the selected baseline.
     *
     * @return empty for {@code none}, and for {@code latest} when no baseline was ever saved
     * @throws io.cachecheck.error.InvalidInputException when a named run has no baseline
     */
    Optional<Baseline> load(BaselineSelection selection);

    /** Saves a baseline under its run id and makes it the latest. */
    default void save(Baseline baseline) {
        save(baseline, true);
    }

    /** Saves a baseline under its run id; with {@code makeLatest}, also makes it the latest. */
    void save(Baseline baseline, boolean makeLatest);
}
