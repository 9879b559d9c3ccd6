package io.cachecheck.decode.php;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cachecheck.decode.IsoText;
import io.cachecheck.decode.UndecodableException;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PHP date-time objects as ISO-8601 text. {@code serialize()} writes a {@code DateTime} as its local wall time and
 * its zone: {@code date} ({@code Y-m-d H:i:s.u}), {@code timezone_type} (1: an offset such as {@code +02:00}, 2: an
 * abbreviation such as {@code EST}, 3: a zone name such as {@code Europe/Paris}) and {@code timezone}. Carbon
 * (Laravel's {@code now()}) writes the same three properties.
 *
 * <p>Types 1 and 3 become an offset date-time in that zone, with Java's time-zone rules; of type 2 only UTC/GMT is
 * read, because an abbreviation alone does not always say its offset. Anything else is CORRUPT.
 */
final class PhpDateTime {
    private static final Set<String> CLASSES = Set.of("datetime", "datetimeimmutable", "carbon\\carbon",
            "carbon\\carbonimmutable", "illuminate\\support\\carbon");
    /** Carbon's own extras: the locale and a second copy of the date, neither of which changes the instant. */
    private static final Set<String> CARBON_EXTRAS = Set.of("dumpLocale", "dumpDateProperties");
    private static final Pattern DATE = Pattern.compile("(-?\\d{4,9})-(\\d{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{6})");

    private PhpDateTime() {
    }

    /** The ISO text of a date-time object, or null when the class is not one of PHP's or Carbon's date-times. */
    static JsonNode interpret(String className, Map<String, JsonNode> props) throws UndecodableException {
        String lower = className.toLowerCase(Locale.ROOT); // PHP class names are case-insensitive
        if (!CLASSES.contains(lower)) {
            return null;
        }
        JsonNode date = props.get("date");
        JsonNode type = props.get("timezone_type");
        JsonNode zone = props.get("timezone");
        boolean carbon = lower.contains("carbon");
        for (String name : props.keySet()) {
            if (!name.equals("date") && !name.equals("timezone_type") && !name.equals("timezone")
                    && !(carbon && CARBON_EXTRAS.contains(name))) {
                throw fail(className, "has properties other than date, timezone_type and timezone");
            }
        }
        if (date == null || !date.isTextual() || type == null || !type.isInt() || zone == null || !zone.isTextual()) {
            throw fail(className, "lacks its date, timezone_type or timezone");
        }
        Matcher m = DATE.matcher(date.textValue());
        if (!m.matches()) {
            throw fail(className, "has a malformed date");
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)) * 1000);
        } catch (DateTimeException e) {
            throw fail(className, "has a malformed date");
        }
        ZoneId zoneId = zone(className, type.intValue(), zone.textValue());
        return TextNode.valueOf(IsoText.of(ZonedDateTime.ofLocal(local, zoneId, null).toOffsetDateTime()));
    }

    private static ZoneId zone(String className, int type, String name) throws UndecodableException {
        try {
            switch (type) {
                case 1:
                    return ZoneOffset.of(name);
                case 2:
                    if (name.equalsIgnoreCase("UTC") || name.equalsIgnoreCase("GMT") || name.equalsIgnoreCase("Z")) {
                        return ZoneOffset.UTC;
                    }
                    throw fail(className, "has a time-zone abbreviation (timezone_type 2) other than UTC; store times"
                            + " with a zone name or an offset");
                case 3:
                    return ZoneId.of(name);
                default:
                    throw fail(className, "has an unknown timezone_type");
            }
        } catch (DateTimeException e) {
            throw fail(className, "has an unknown time zone");
        }
    }

    /** PHP's class-name syntax: labels of letters, digits, _ and bytes 0x80-0xff, separated by backslashes. */
    static boolean validClassName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        boolean labelStart = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                if (labelStart) {
                    return false;
                }
                labelStart = true;
                continue;
            }
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= 0x80 && c <= 0xff);
            if (!(letter || (!labelStart && c >= '0' && c <= '9'))) {
                return false;
            }
            labelStart = false;
        }
        return !labelStart;
    }

    private static UndecodableException fail(String className, String what) {
        return new UndecodableException("php: " + className + " object " + what);
    }
}
