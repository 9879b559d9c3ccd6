package io.cachecheck.check;

/**
 * The outcome of a check. Never CONSISTENT unless everything in scope was checked. SAMPLED is a run (or part) that
 * checked only a key sample and found no drift in it: it proves nothing about the other keys, so it is never
 * CONSISTENT, and drift in the sample makes it DRIFT.
 */
public enum Verdict {
    CONSISTENT, SAMPLED, DRIFT, INCOMPLETE;

    /** Combines two verdicts: INCOMPLETE wins over DRIFT, which wins over SAMPLED, which wins over CONSISTENT. */
    public Verdict and(Verdict other) {
        return this.ordinal() >= other.ordinal() ? this : other;
    }
}
