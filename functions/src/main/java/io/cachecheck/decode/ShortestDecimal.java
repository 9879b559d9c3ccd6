package io.cachecheck.decode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The shortest decimal that reads back as a given binary double: the number that Python's {@code repr}, PHP's
 * {@code serialize()} (serialize_precision -1) and JavaScript print for a float. Formats that store a binary double
 * (pickle's BINFLOAT, PHP's {@code d:}) are compared through it, so {@code 0.1} stays {@code 0.1} and not the
 * 55-digit exact binary value.
 *
 * <p>Written here rather than taken from {@link Double#toString(double)} because before Java 19 that method sometimes
 * printed a digit more than needed (JDK-4511638), and the Lambda runs Java 17.
 */
public final class ShortestDecimal {
    private static final RoundingMode[] MODES = {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING};

    private ShortestDecimal() {
    }

    /**
     * The shortest decimal whose nearest double is {@code d}, with no negative scale ({@code 100}, not {@code 1E+2}).
     * Among candidates of the same length the one nearest to {@code d} wins. {@code -0.0} is {@code 0}.
     *
     * @throws IllegalArgumentException when {@code d} is infinite or NaN, which have no decimal value
     */
    public static BigDecimal of(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("not finite");
        }
        if (d == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal best = null;
            for (RoundingMode mode : MODES) {
                BigDecimal candidate = exact.round(new MathContext(digits, mode));
                if (candidate.doubleValue() == d && (best == null
                        || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                return best.scale() < 0 ? best.setScale(0) : best;
            }
        }
        return exact; // unreachable: 17 significant digits always read back as the same double
    }
}
