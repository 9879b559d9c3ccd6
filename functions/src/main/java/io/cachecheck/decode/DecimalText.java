package io.cachecheck.decode;

/**
 * The decimal number syntax that PHP's float and Python's float and Decimal texts share:
 * {@code [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?}.
 */
public final class DecimalText {
    private DecimalText() {
    }

    /**
     * Whether {@code s} is such a number, with at most {@code maxExponentDigits} exponent digits (a bound on what the
     * caller will later have to build, e.g. a BigDecimal of scale 10^9).
     */
    public static boolean matches(String s, int maxExponentDigits) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
                exp++;
            }
            if (exp == 0 || exp > maxExponentDigits) {
                return false;
            }
        }
        return i == n;
    }
}
