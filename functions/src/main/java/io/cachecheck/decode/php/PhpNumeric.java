package io.cachecheck.decode.php;

/**
 * PHP 8's {@code is_numeric} on a string, which Laravel's {@code RedisStore} uses to store numbers unserialised:
 * optional whitespace, an optional sign, digits with an optional fraction ({@code 5.}, {@code .5}) and exponent,
 * optional whitespace. Hexadecimal, {@code INF} and {@code NAN} are not numeric.
 */
final class PhpNumeric {
    private PhpNumeric() {
    }

    static boolean isNumeric(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n && space(b[i])) {
            i++;
        }
        if (i < n && (b[i] == '+' || b[i] == '-')) {
            i++;
        }
        int intDigits = 0;
        while (i < n && digit(b[i])) {
            i++;
            intDigits++;
        }
        int fractionDigits = 0;
        if (i < n && b[i] == '.') {
            i++;
            while (i < n && digit(b[i])) {
                i++;
                fractionDigits++;
            }
        }
        if (intDigits + fractionDigits == 0) {
            return false;
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            int j = i + 1;
            if (j < n && (b[j] == '+' || b[j] == '-')) {
                j++;
            }
            int expDigits = 0;
            while (j < n && digit(b[j])) {
                j++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
            i = j;
        }
        while (i < n && space(b[i])) {
            i++;
        }
        return i == n;
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean space(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
