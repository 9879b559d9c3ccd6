package io.cachecheck.decode.javaser;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Locale;

import static java.time.temporal.ChronoField.HOUR_OF_DAY;
import static java.time.temporal.ChronoField.MINUTE_OF_HOUR;
import static java.time.temporal.ChronoField.NANO_OF_SECOND;
import static java.time.temporal.ChronoField.SECOND_OF_MINUTE;

/**
 * ISO-8601 text of date-time values, with the fraction always written in full: 9 digits for java.time values and
 * java.sql.Timestamp, 3 for java.util.Date. The serialised value is exact to that precision, and the comparison
 * compares timestamps at the lower precision of the two sides, so a value that happens to end in zeros
 * ({@code 10:00:00Z}) must not lower the precision at which it is compared.
 */
final class TimeText {
    private static final DateTimeFormatter TIME = time(9);
    private static final DateTimeFormatter DATE_TIME = dateTime(9);
    private static final DateTimeFormatter OFFSET_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DATE_TIME).appendOffsetId().toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OFFSET_DATE_TIME_MILLIS = new DateTimeFormatterBuilder()
            .append(dateTime(3)).appendOffsetId().toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OFFSET_TIME = new DateTimeFormatterBuilder()
            .append(TIME).appendOffsetId().toFormatter(Locale.ROOT);

    private TimeText() {
    }

    private static DateTimeFormatter time(int fractionDigits) {
        return new DateTimeFormatterBuilder()
                .appendValue(HOUR_OF_DAY, 2).appendLiteral(':')
                .appendValue(MINUTE_OF_HOUR, 2).appendLiteral(':')
                .appendValue(SECOND_OF_MINUTE, 2)
                .appendFraction(NANO_OF_SECOND, fractionDigits, fractionDigits, true)
                .toFormatter(Locale.ROOT);
    }

    private static DateTimeFormatter dateTime(int fractionDigits) {
        return new DateTimeFormatterBuilder()
                .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral('T').append(time(fractionDigits))
                .toFormatter(Locale.ROOT);
    }

    /** {@code 2025-03-31T03:34:16.100000000Z} */
    static String instant(Instant instant) {
        return OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** {@code 2025-03-31T03:34:16.100Z}: a java.util.Date, exact to the millisecond. */
    static String instantMillis(Instant instant) {
        return OFFSET_DATE_TIME_MILLIS.format(instant.atOffset(ZoneOffset.UTC));
    }

    static String date(LocalDate date) {
        return DateTimeFormatter.ISO_LOCAL_DATE.format(date);
    }

    static String time(LocalTime time) {
        return TIME.format(time);
    }

    static String dateTime(LocalDateTime dateTime) {
        return DATE_TIME.format(dateTime);
    }

    static String offsetDateTime(LocalDateTime dateTime, ZoneOffset offset) {
        return OFFSET_DATE_TIME.format(dateTime.atOffset(offset));
    }

    static String offsetTime(LocalTime time, ZoneOffset offset) {
        return OFFSET_TIME.format(time.atOffset(offset));
    }
}
