package io.cachecheck.decode.pickle;

import java.math.BigInteger;

/**
 * Python's {@code int(bytes)} in base 10, which Django's Redis cache and django-redis use to read back the integers
 * they store without pickling them: ASCII whitespace around, an optional sign, digits with single underscores
 * between them. Like Python (its {@code sys.int_info.default_max_str_digits}), more than 4300 digits is refused.
 */
final class PythonInt {
    static final int MAX_DIGITS = 4300;

    private PythonInt() {
    }

    /** The integer, or null when {@code int()} would refuse the text (then Django unpickles it instead). */
    static Number parse(byte[] b, int from, int to) {
        int i = from;
        int n = to;
        while (i < n && space(b[i])) {
            i++;
        }
        while (n > i && space(b[n - 1])) {
            n--;
        }
        boolean negative = false;
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        if (i == n || n - i > 2 * MAX_DIGITS) {
            return null;
        }
        StringBuilder digits = new StringBuilder(n - i + 1);
        if (negative) {
            digits.append('-');
        }
        boolean lastWasDigit = false;
        for (int j = i; j < n; j++) {
            byte c = b[j];
            if (c >= '0' && c <= '9') {
                digits.append((char) c);
                lastWasDigit = true;
            } else if (c == '_' && lastWasDigit && j + 1 < n) {
                lastWasDigit = false;
            } else {
                return null;
            }
        }
        if (!lastWasDigit || digits.length() - (negative ? 1 : 0) > MAX_DIGITS) {
            return null;
        }
        return number(digits.toString());
    }

    /** A long when it fits, else a BigInteger, from optionally signed decimal digits. */
    static Number number(String digits) {
        if (digits.length() <= 18) {
            return Long.parseLong(digits);
        }
        BigInteger big = new BigInteger(digits);
        return big.bitLength() < 64 ? (Number) big.longValue() : big;
    }

    private static boolean space(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
