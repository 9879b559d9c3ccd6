package io.cachecheck.decode.javaser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.UndecodableException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * java.time values, which serialise through writeReplace to {@code java.time.Ser}, an Externalizable whose data is a
 * type byte and the value's fields (the layouts of {@code Ser.writeInternal} and each class's writeExternal).
 * Rendered as ISO-8601 text (see {@link TimeText}); a ZonedDateTime as its offset date-time (the offset is in the
 * stream, the region is dropped: no time-zone rules are consulted), a Duration or Period as ISO-8601 duration text.
 */
final class JavaTimeSer {
    static final String SER = "java.time.Ser";

    private static final byte DURATION_TYPE = 1;
    private static final byte INSTANT_TYPE = 2;
    private static final byte LOCAL_DATE_TYPE = 3;
    private static final byte LOCAL_TIME_TYPE = 4;
    private static final byte LOCAL_DATE_TIME_TYPE = 5;
    private static final byte ZONE_DATE_TIME_TYPE = 6;
    private static final byte ZONE_REGION_TYPE = 7;
    private static final byte ZONE_OFFSET_TYPE = 8;
    private static final byte OFFSET_TIME_TYPE = 9;
    private static final byte OFFSET_DATE_TIME_TYPE = 10;
    private static final byte YEAR_TYPE = 11;
    private static final byte YEAR_MONTH_TYPE = 12;
    private static final byte MONTH_DAY_TYPE = 13;
    private static final byte PERIOD_TYPE = 14;

    private JavaTimeSer() {
    }

    static void register(Map<String, KnownClass> classes) {
        classes.put(SER, (o, tree, depth) -> render(o));
    }

    private static JsonNode render(JavaObject o) throws UndecodableException {
        CustomData in = o.data(SER).customData();
        String text;
        try {
            text = text(in);
        } catch (DateTimeException | ArithmeticException e) { // a field out of range, as the JDK's readExternal finds
            throw Reasons.corrupt("invalid java.time value");
        }
        in.expectEnd();
        return TextNode.valueOf(text);
    }

    private static String text(CustomData in) throws UndecodableException {
        byte type = in.readByte();
        return switch (type) {
            case DURATION_TYPE -> Duration.ofSeconds(in.readLong(), in.readInt()).toString();
            case INSTANT_TYPE -> TimeText.instant(Instant.ofEpochSecond(in.readLong(), in.readInt()));
            case LOCAL_DATE_TYPE -> TimeText.date(date(in));
            case LOCAL_TIME_TYPE -> TimeText.time(time(in));
            case LOCAL_DATE_TIME_TYPE -> TimeText.dateTime(dateTime(in));
            case ZONE_DATE_TIME_TYPE -> {
                LocalDateTime dateTime = dateTime(in);
                ZoneOffset offset = offset(in);
                zone(in);
                yield TimeText.offsetDateTime(dateTime, offset);
            }
            case ZONE_REGION_TYPE -> in.readUtf();
            case ZONE_OFFSET_TYPE -> offset(in).getId();
            case OFFSET_TIME_TYPE -> {
                LocalTime time = time(in);
                yield TimeText.offsetTime(time, offset(in));
            }
            case OFFSET_DATE_TIME_TYPE -> {
                LocalDateTime dateTime = dateTime(in);
                yield TimeText.offsetDateTime(dateTime, offset(in));
            }
            case YEAR_TYPE -> Year.of(in.readInt()).toString();
            case YEAR_MONTH_TYPE -> {
                int year = in.readInt();
                yield YearMonth.of(year, in.readByte()).toString();
            }
            case MONTH_DAY_TYPE -> {
                int month = in.readByte();
                yield MonthDay.of(month, in.readByte()).toString();
            }
            case PERIOD_TYPE -> {
                int years = in.readInt();
                int months = in.readInt();
                yield Period.of(years, months, in.readInt()).toString();
            }
            default -> throw Reasons.unexpectedData(SER);
        };
    }

    private static LocalDate date(CustomData in) throws UndecodableException {
        int year = in.readInt();
        int month = in.readByte();
        return LocalDate.of(year, month, in.readByte());
    }

    /** LocalTime.writeExternal drops trailing zero fields and marks the last one written by complementing it. */
    private static LocalTime time(CustomData in) throws UndecodableException {
        int hour = in.readByte();
        int minute = 0;
        int second = 0;
        int nano = 0;
        if (hour < 0) {
            hour = ~hour;
        } else {
            minute = in.readByte();
            if (minute < 0) {
                minute = ~minute;
            } else {
                second = in.readByte();
                if (second < 0) {
                    second = ~second;
                } else {
                    nano = in.readInt();
                }
            }
        }
        return LocalTime.of(hour, minute, second, nano);
    }

    private static LocalDateTime dateTime(CustomData in) throws UndecodableException {
        LocalDate date = date(in);
        return LocalDateTime.of(date, time(in));
    }

    /** ZoneOffset.writeExternal: quarter hours in one byte, or 127 and the total seconds. */
    private static ZoneOffset offset(CustomData in) throws UndecodableException {
        int quarters = in.readByte();
        return ZoneOffset.ofTotalSeconds(quarters == 127 ? in.readInt() : quarters * 900);
    }

    /** A ZonedDateTime's zone, written by ZoneId.write: a region id or an offset; read past, not rendered. */
    private static void zone(CustomData in) throws UndecodableException {
        byte type = in.readByte();
        if (type == ZONE_REGION_TYPE) {
            in.readUtf();
        } else if (type == ZONE_OFFSET_TYPE) {
            offset(in);
        } else {
            throw Reasons.unexpectedData(SER);
        }
    }
}
