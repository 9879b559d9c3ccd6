package io.cachecheck.sample;

/**
 * The drift ratio of a population estimated from a sample of its keys, with a 95% Wilson score interval.
 *
 * <p>With n sampled keys checked, x of them drifted, p = x / n and z = 1.959964 (the 97.5% normal quantile):
 * <pre>
 *   centre = (p + z²/(2n)) / (1 + z²/n)
 *   half   = z / (1 + z²/n) × sqrt(p(1 − p)/n + z²/(4n²))
 *   low    = max(0, centre − half),  high = min(1, centre + half)
 * </pre>
 * Unlike the plain normal interval it never collapses to zero width at x = 0: with no drift in n keys the upper
 * bound is z²/(n + z²), about 3.84 / n, which is what a gate on a sample can honestly pass or fail on.
 *
 * @param keysChecked the sampled keys that were checked (n)
 * @param drifted     those that drifted (x)
 * @param ratio       x / n; 0 when nothing was checked
 * @param low         lower bound of the 95% interval
 * @param high        upper bound of the 95% interval; 1 when nothing was checked
 */
public record DriftEstimate(long keysChecked, long drifted, double ratio, double low, double high) {
    /** The two-sided 95% normal quantile. */
    public static final double Z95 = 1.959963984540054;

    public static DriftEstimate wilson(long drifted, long keysChecked) {
        if (keysChecked <= 0) {
            return new DriftEstimate(0, 0, 0, 0, 1);
        }
        double n = keysChecked;
        double p = drifted / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        double low = drifted == 0 ? 0 : Math.max(0, centre - half);
        double high = drifted == keysChecked ? 1 : Math.min(1, centre + half);
        return new DriftEstimate(keysChecked, drifted, p, low, high);
    }

    /** Whether the interval holds {@code trueRatio}. */
    public boolean covers(double trueRatio) {
        return low <= trueRatio && trueRatio <= high;
    }
}
