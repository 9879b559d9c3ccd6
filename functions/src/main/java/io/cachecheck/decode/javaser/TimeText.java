package io.cachecheck.decode.javaser;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 text of date-time values, with the fraction always written in full: 9 digits for java.time values and
 * java.sql.Timestamp, 3 for java.util.Date. The serialised value is exact to that precision, and the comparison
 * compares timestamps at the lower precision of the two sides, so a value that happens to end in zeros
 * ({@code 10:00:00Z}) must not lower the precision at which it is compared.
 */
final class TimeText {
    private TimeText() {
    }

    /** {@code 2025-03-31T03:34:16.100000000Z} */
    static String instant(Instant instant) {
        return offsetDateTime(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), ZoneOffset.UTC);
    }

    /** {@code 2025-03-31T03:34:16.100Z}: a java.util.Date, exact to the millisecond. */
    static String instantMillis(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(24);
        date(t.toLocalDate(), out);
        out.append('T');
        hms(t.toLocalTime(), out);
        out.append('.');
        pad(t.getNano() / 1_000_000, 3, out);
        return out.append('Z').toString();
    }

    static String date(LocalDate date) {
        StringBuilder out = new StringBuilder(10);
        date(date, out);
        return out.toString();
    }

    static String time(LocalTime time) {
        StringBuilder out = new StringBuilder(18);
        time(time, out);
        return out.toString();
    }

    static String dateTime(LocalDateTime dateTime) {
        StringBuilder out = new StringBuilder(29);
        dateTime(dateTime, out);
        return out.toString();
    }

    static String offsetDateTime(LocalDateTime dateTime, ZoneOffset offset) {
        StringBuilder out = new StringBuilder(35);
        dateTime(dateTime, out);
        return out.append(offset.getId()).toString();
    }

    static String offsetTime(LocalTime time, ZoneOffset offset) {
        StringBuilder out = new StringBuilder(24);
        time(time, out);
        return out.append(offset.getId()).toString();
    }

    // Written by hand: DateTimeFormatter prints a fraction through BigDecimal, which made it most of a value's cost.

    private static void dateTime(LocalDateTime dateTime, StringBuilder out) {
        date(dateTime.toLocalDate(), out);
        out.append('T');
        time(dateTime.toLocalTime(), out);
    }

    private static void date(LocalDate date, StringBuilder out) {
        int year = date.getYear();
        if (year < 0 || year > 9999) { // ISO-8601's expanded years (+10000, -0001): rare, left to the JDK
            out.append(DateTimeFormatter.ISO_LOCAL_DATE.format(date));
            return;
        }
        pad(year, 4, out);
        out.append('-');
        pad(date.getMonthValue(), 2, out);
        out.append('-');
        pad(date.getDayOfMonth(), 2, out);
    }

    private static void time(LocalTime time, StringBuilder out) {
        hms(time, out);
        out.append('.');
        pad(time.getNano(), 9, out);
    }

    private static void hms(LocalTime time, StringBuilder out) {
        pad(time.getHour(), 2, out);
        out.append(':');
        pad(time.getMinute(), 2, out);
        out.append(':');
        pad(time.getSecond(), 2, out);
    }

    /** A non-negative value below 10^digits, zero-padded to that many digits. */
    private static void pad(int value, int digits, StringBuilder out) {
        for (int unit = tenTo(digits - 1); unit > 0; unit /= 10) {
            out.append((char) ('0' + value / unit % 10));
        }
    }

    private static int tenTo(int power) {
        int v = 1;
        for (int i = 0; i < power; i++) {
            v *= 10;
        }
        return v;
    }
}
