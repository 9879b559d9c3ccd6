package io.cachecheck.decode.pickle;

import io.cachecheck.decode.IsoText;
import io.cachecheck.decode.UndecodableException;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * The only globals the pickle reader interprets, each by its known pickled form and never by calling anything:
 * <ul>
 *   <li>{@code decimal.Decimal} with one string argument (its {@code __reduce__}): the exact decimal;</li>
 *   <li>{@code datetime.datetime} with its 10-byte state and an optional fixed-offset {@code datetime.timezone}:
 *       ISO-8601 text, with the offset when there is one;</li>
 *   <li>{@code datetime.date} with its 4-byte state: {@code yyyy-MM-dd};</li>
 *   <li>{@code datetime.timezone} of a {@code datetime.timedelta}: only as a datetime's zone.</li>
 * </ul>
 * Every other global (a user class, {@code collections.OrderedDict}, {@code zoneinfo}, {@code builtins.set} of
 * protocols 0-3...) is CORRUPT by name: rebuilding it would need its code.
 */
final class PickleGlobals {
    private static final Set<String> KNOWN = Set.of("decimal.Decimal", "datetime.datetime", "datetime.date",
            "datetime.timezone", "datetime.timedelta");
    private static final int MAX_SHOWN_NAME = 200;
    private static final int MAX_DECIMAL_TEXT = 4300;
    private static final int MAX_DECIMAL_SCALE = 10_000;

    private PickleGlobals() {
    }

    static Py.Global find(String module, String name) throws UndecodableException {
        if (!KNOWN.contains(module + "." + name)) {
            throw needsCode(module, name);
        }
        return new Py.Global(module, name);
    }

    static UndecodableException needsCode(String module, String name) {
        return PickleMachine.fail(shown(module, name) + " needs its code to be rebuilt (only decimal.Decimal and"
                + " datetime's date-times are read); cache plain dicts, lists and scalars instead");
    }

    /** REDUCE: the callable applied to its argument tuple, for the globals above only. */
    static Object reduce(Object callable, Object args) throws UndecodableException {
        if (!(callable instanceof Py.Global g)) {
            throw PickleMachine.fail("REDUCE of something that is not a known global would call code");
        }
        if (!(args instanceof Py.Container c) || c.kind != Py.Container.Kind.TUPLE) {
            throw PickleMachine.fail("malformed " + g.qualified() + " (its arguments are not a tuple)");
        }
        List<Object> a = c.items;
        return switch (g.qualified()) {
            case "decimal.Decimal" -> decimal(a);
            case "datetime.datetime" -> dateTime(a);
            case "datetime.date" -> date(a);
            case "datetime.timedelta" -> timedelta(a);
            case "datetime.timezone" -> timezone(a);
            default -> throw needsCode(g.module(), g.name());
        };
    }

    private static BigDecimal decimal(List<Object> a) throws UndecodableException {
        if (a.size() != 1 || !(a.get(0) instanceof String s)) {
            throw PickleMachine.fail("malformed decimal.Decimal (not one string argument)");
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("nan") || lower.contains("inf")) {
            throw PickleMachine.fail("decimal.Decimal NaN or Infinity has no decimal value");
        }
        if (s.length() > MAX_DECIMAL_TEXT || !io.cachecheck.decode.DecimalText.matches(s, 9)) {
            throw PickleMachine.fail("malformed decimal.Decimal");
        }
        BigDecimal d;
        try {
            d = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw PickleMachine.fail("decimal.Decimal out of range"); // an exponent beyond an int
        }
        if (Math.abs((long) d.scale()) > MAX_DECIMAL_SCALE) {
            throw PickleMachine.fail("decimal.Decimal out of range");
        }
        return d;
    }

    /** datetime's state: year (2 bytes, big-endian), month (fold in its high bit), day, h, m, s, microseconds (3). */
    private static Py.DateText dateTime(List<Object> a) throws UndecodableException {
        if (a.isEmpty() || a.size() > 2 || !(a.get(0) instanceof byte[] b) || b.length != 10) {
            throw PickleMachine.fail("malformed datetime.datetime (not its 10-byte state)");
        }
        Object tz = a.size() == 2 ? a.get(1) : Py.None.INSTANCE;
        LocalDateTime local;
        try {
            local = LocalDateTime.of((b[0] & 0xff) << 8 | (b[1] & 0xff), b[2] & 0x7f, b[3] & 0xff, b[4] & 0xff,
                    b[5] & 0xff, b[6] & 0xff, ((b[7] & 0xff) << 16 | (b[8] & 0xff) << 8 | (b[9] & 0xff)) * 1000);
        } catch (DateTimeException e) {
            throw PickleMachine.fail("malformed datetime.datetime");
        }
        if (local.getYear() < 1) {
            throw PickleMachine.fail("malformed datetime.datetime");
        }
        if (tz == Py.None.INSTANCE) {
            return new Py.DateText(IsoText.of(local));
        }
        if (!(tz instanceof Py.Timezone zone)) {
            throw PickleMachine.fail("datetime.datetime with a tzinfo other than datetime.timezone (zoneinfo, pytz)"
                    + " needs its code; cache UTC datetimes");
        }
        return new Py.DateText(IsoText.of(local.atOffset(zone.offset())));
    }

    private static Py.DateText date(List<Object> a) throws UndecodableException {
        if (a.size() != 1 || !(a.get(0) instanceof byte[] b) || b.length != 4) {
            throw PickleMachine.fail("malformed datetime.date (not its 4-byte state)");
        }
        try {
            LocalDate d = LocalDate.of((b[0] & 0xff) << 8 | (b[1] & 0xff), b[2] & 0xff, b[3] & 0xff);
            if (d.getYear() < 1) {
                throw PickleMachine.fail("malformed datetime.date");
            }
            return new Py.DateText(IsoText.of(d));
        } catch (DateTimeException e) {
            throw PickleMachine.fail("malformed datetime.date");
        }
    }

    private static Py.Timedelta timedelta(List<Object> a) throws UndecodableException {
        if (a.size() != 3 || !(a.get(0) instanceof Long days) || !(a.get(1) instanceof Long seconds)
                || !(a.get(2) instanceof Long micros) || Math.abs(days) > 999_999_999 || seconds < 0
                || seconds >= 86_400 || micros < 0 || micros >= 1_000_000) {
            throw PickleMachine.fail("malformed datetime.timedelta");
        }
        return new Py.Timedelta(days, seconds, micros);
    }

    private static Py.Timezone timezone(List<Object> a) throws UndecodableException {
        if (a.isEmpty() || a.size() > 2 || !(a.get(0) instanceof Py.Timedelta t)
                || (a.size() == 2 && !(a.get(1) instanceof String))) {
            throw PickleMachine.fail("malformed datetime.timezone");
        }
        long total = t.days() * 86_400 + t.seconds();
        if (t.microseconds() != 0 || Math.abs(total) > 18 * 3600) {
            throw PickleMachine.fail("datetime.timezone offset is not whole seconds within 18 hours");
        }
        return new Py.Timezone(ZoneOffset.ofTotalSeconds((int) total));
    }

    /** module.name for a reason, or a neutral phrase when the text is not a plausible Python dotted name. */
    private static String shown(String module, String name) {
        String q = module + "." + name;
        if (q.length() > MAX_SHOWN_NAME) {
            return "a global with a long name";
        }
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (!(c == '_' || c == '.' || (c < 128 && Character.isLetterOrDigit(c)))) {
                return "a global with a non-ASCII name";
            }
        }
        return q;
    }
}
