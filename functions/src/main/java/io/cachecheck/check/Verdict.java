package io.cachecheck.check;

/** The outcome of a check. Never CONSISTENT unless everything in scope was checked. */
public enum Verdict {
    CONSISTENT, DRIFT, INCOMPLETE;

    /** Combines two verdicts: INCOMPLETE wins over DRIFT, which wins over CONSISTENT. */
    public Verdict and(Verdict other) {
        return this.ordinal() >= other.ordinal() ? this : other;
    }
}
