package io.cachecheck.decode;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;

/**
 * The ISO-8601 text that {@link TreeReader}s give date-times, always with seconds and with the fraction in groups
 * of three digits as {@code java.time} prints it: {@code 2025-03-31T03:34:16.100Z},
 * {@code 2025-03-31T05:34:16+02:00}, a local date-time without an offset, a date as {@code yyyy-MM-dd}.
 */
public final class IsoText {
    private IsoText() {
    }

    public static String of(OffsetDateTime t) {
        return of(t.toLocalDateTime()) + t.getOffset().getId();
    }

    public static String of(LocalDateTime t) {
        return t.toLocalDate() + "T" + time(t.toLocalTime());
    }

    public static String of(LocalDate d) {
        return d.toString();
    }

    private static String time(LocalTime t) {
        StringBuilder sb = new StringBuilder(18);
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond());
        int nano = t.getNano();
        if (nano != 0) {
            // LocalTime.toString prints 3, 6 or 9 digits; it also drops ":00" seconds, which this text never does
            String digits = Integer.toString(1_000_000_000 + nano).substring(1);
            sb.append('.').append(nano % 1_000_000 == 0 ? digits.substring(0, 3)
                    : nano % 1000 == 0 ? digits.substring(0, 6) : digits);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        return sb.append(v < 10 ? "0" : "").append(v);
    }
}
