package io.cachecheck.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.cachecheck.contract.FieldMapping;
import io.cachecheck.contract.Namespace;
import io.cachecheck.decode.Decoded;
import io.cachecheck.source.SourceRow;
import io.cachecheck.source.TemporalValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a cached value and a source row into canonical forms that are equal exactly when the two agree, and digests
 * them with SHA-256.
 *
 * <p>The source column's type decides how a field is compared, because the cache often stores everything as text
 * (a Redis hash always does):
 * <ul>
 *   <li>numbers: {@code 10}, {@code "10"}, {@code 10.0} and {@code 1e1} are equal; decimals are compared exactly;</li>
 *   <li>timestamps: compared as UTC instants at the lower fractional precision of the two sides; a timestamp without
 *       zone is UTC; epoch numbers are seconds, or milliseconds when larger than 10^11;</li>
 *   <li>booleans: {@code true/false}, {@code t/f}, {@code 1/0}, {@code yes/no};</li>
 *   <li>null and an absent field are equal; an empty string is not null;</li>
 *   <li>text is compared after Unicode NFC normalisation; JSON columns as canonical JSON (sorted keys).</li>
 * </ul>
 * Canonical forms leave this class only as digests, and to {@code cachecheck explain} ({@link #fieldForms}), which
 * shows them to the operator only on request.
 */
public final class Canonicalizer {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final BigDecimal EPOCH_MILLIS_THRESHOLD = new BigDecimal("100000000000");
    private static final ThreadLocal<java.security.MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    });

    private Canonicalizer() {
    }

    /**
     * The outcome of comparing one key. Digests are raw SHA-256 bytes. The versions and their order are set only when
     * the values differ (null and 0 when equal).
     */
    public record Comparison(boolean equal, byte[] cacheDigest, byte[] sourceDigest, List<String> differingFields,
                             String cacheVersion, String sourceVersion, int versionOrder) {
    }

    /** Compares a decoded (non-corrupt) cached value with its source row. */
    public static Comparison compare(Namespace ns, Decoded cache, SourceRow row) {
        // two reused builders per thread: compare is not re-entrant and its digests are taken before it returns
        StringBuilder[] buffers = COMPARE_BUFFERS.get();
        if (buffers[0].capacity() > 1 << 16 || buffers[1].capacity() > 1 << 16) {
            buffers[0] = new StringBuilder(512); // do not keep a large value's buffer for the rest of the run
            buffers[1] = new StringBuilder(512);
        }
        StringBuilder c = buffers[0];
        StringBuilder s = buffers[1];
        c.setLength(0);
        s.setLength(0);
        List<String> differing = null;
        for (FieldMapping f : ns.fields()) {
            Object cv = lookup(cache.fields(), f.field(), ns.nestedFields());
            Object sv = row.get(f.column());
            int cStart = c.length();
            int sStart = s.length();
            c.append(f.field()).append('=');
            s.append(f.field()).append('=');
            canonicalPair(cv, sv, c, s);
            c.append('\n');
            s.append('\n');
            if (!regionEquals(c, cStart, s, sStart)) {
                if (differing == null) {
                    differing = new ArrayList<>();
                }
                differing.add(f.field());
            }
        }
        byte[] cd = sha256(c);
        byte[] sd = differing == null ? cd : sha256(s);
        String cacheVersion = null;
        String sourceVersion = null;
        int order = 0;
        // Versions only explain a difference (freshness of a STALE key, the versions shown in a finding); parsing
        // and formatting them for every consistent key was a quarter of the validator's CPU (docs/performance.md).
        if (ns.version() != null && differing != null) {
            Object cv = lookup(cache.fields(), ns.version().field(), ns.nestedFields());
            Object sv = row.get(ns.version().column());
            Comparable<?>[] versions = versionPair(cv, sv);
            cacheVersion = display(versions[0], cv);
            sourceVersion = display(versions[1], sv);
            order = compareVersions(versions[1], versions[0]);
        }
        return new Comparison(differing == null, cd, sd, differing == null ? List.of() : differing, cacheVersion, sourceVersion, order);
    }

    /**
     * One mapped field of one key as {@link #compare} sees it, for {@code cachecheck explain}. The canonical forms
     * hold the values: they are shown only when the operator asks for values, never logged or stored.
     *
     * @param cacheType  the cached value's own type ({@code number}, {@code string}, {@code absent}, ...); null when
     *                   the cached value could not be decoded
     * @param sourceType the column value's type ({@code number}, {@code timestamp}, {@code null}, ...); null without a row
     * @param cacheForm  the canonical form compared (a type tag, then the value: {@code N12.5}, {@code S...},
     *                   {@code Z} for null), or null
     * @param sourceForm the same for the source, or null
     * @param equal      whether the two forms are equal, as {@link #compare} decides; false when a side is missing
     */
    public record FieldForm(String field, String column, String cacheType, String sourceType, String cacheForm,
                            String sourceForm, boolean equal) {
    }

    /**
     * The canonical forms, field by field, of a cached value and its row, exactly as {@link #compare} builds them.
     *
     * @param cache the decoded cached value, or null when it could not be decoded (CORRUPT)
     * @param row   the source row, or null when there is none (ORPHAN)
     */
    public static List<FieldForm> fieldForms(Namespace ns, Decoded cache, SourceRow row) {
        List<FieldForm> out = new ArrayList<>(ns.fields().size());
        for (FieldMapping f : ns.fields()) {
            Object cv = cache == null ? null : lookup(cache.fields(), f.field(), ns.nestedFields());
            Object sv = row == null ? null : row.get(f.column());
            StringBuilder c = new StringBuilder();
            StringBuilder s = new StringBuilder();
            if (cache != null && row != null) {
                canonicalPair(cv, sv, c, s);
            } else if (cache != null) {
                plain(cv, c); // as cacheOnlyDigest
            } else if (row != null) {
                // as sourceOnlyDigest
                canonicalPair(sv instanceof TemporalValue || sv == null ? null : sv, sv, new StringBuilder(), s);
            }
            String cf = cache == null ? null : c.toString();
            String sf = row == null ? null : s.toString();
            out.add(new FieldForm(f.field(), f.column(), cache == null ? null : cacheType(cv),
                    row == null ? null : sourceType(sv), cf, sf, cf != null && cf.equals(sf)));
        }
        return out;
    }

    private static String cacheType(Object c) {
        if (c == null) {
            return "absent";
        }
        if (c instanceof JsonNode n) {
            return n.getNodeType().name().toLowerCase(Locale.ROOT);
        }
        return c instanceof String ? "text" : c.getClass().getSimpleName();
    }

    private static String sourceType(Object s) {
        if (s == null) {
            return "null";
        } else if (s instanceof BigDecimal) {
            return "number";
        } else if (s instanceof Boolean) {
            return "boolean";
        } else if (s instanceof TemporalValue t) {
            return "timestamp(" + t.precision() + ")";
        } else if (s instanceof LocalDate) {
            return "date";
        } else if (s instanceof JsonNode) {
            return "json";
        }
        return "text";
    }

    private static boolean regionEquals(StringBuilder a, int aStart, StringBuilder b, int bStart) {
        int len = a.length() - aStart;
        if (len != b.length() - bStart) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (a.charAt(aStart + i) != b.charAt(bStart + i)) {
                return false;
            }
        }
        return true;
    }

    /** Digest of a cached value on its own (for orphans, whose row is gone): each field by its own type. */
    public static byte[] cacheOnlyDigest(Namespace ns, Decoded cache) {
        StringBuilder c = new StringBuilder(128);
        for (FieldMapping f : ns.fields()) {
            c.append(f.field()).append('=');
            plain(lookup(cache.fields(), f.field(), ns.nestedFields()), c);
            c.append('\n');
        }
        return sha256(c);
    }

    /** Digest of a source row on its own (what a correct cache entry would digest to, field by field). */
    public static byte[] sourceOnlyDigest(Namespace ns, SourceRow row) {
        StringBuilder s = new StringBuilder(128);
        StringBuilder ignored = new StringBuilder();
        for (FieldMapping f : ns.fields()) {
            s.append(f.field()).append('=');
            Object sv = row.get(f.column());
            canonicalPair(sv instanceof TemporalValue || sv == null ? null : sv, sv, ignored, s);
            s.append('\n');
        }
        return sha256(s);
    }

    private static Object lookup(Map<String, Object> fields, String field, boolean nested) {
        if (!nested || field.indexOf('.') < 0) {
            return fields.get(field);
        }
        // A dotted name is a path through nested objects only: a top-level key spelled "price.amount" is not what the
        // application reads as price.amount, so it is never taken for it (decode reports it as an unexpected field).
        String[] path = field.split("\\.");
        Object current = fields.get(path[0]);
        for (int i = 1; i < path.length && current != null; i++) {
            current = current instanceof JsonNode n && n.isObject() ? n.get(path[i]) : null;
        }
        return current;
    }

    /** Appends the canonical form of the cached value {@code c} and the source value {@code s}, typed by {@code s}. */
    static void canonicalPair(Object c, Object s, StringBuilder cOut, StringBuilder sOut) {
        if (c instanceof JsonNode n && n.isNull()) {
            c = null;
        }
        if (s == null) {
            sOut.append('Z');
            plain(c, cOut);
        } else if (s instanceof BigDecimal d) {
            sOut.append('N').append(number(d));
            BigDecimal cd = asNumber(c);
            if (cd != null) {
                cOut.append('N').append(number(cd));
            } else {
                plain(c, cOut);
            }
        } else if (s instanceof Boolean b) {
            sOut.append('B').append(b ? '1' : '0');
            Boolean cb = asBoolean(c);
            if (cb != null) {
                cOut.append('B').append(cb ? '1' : '0');
            } else {
                plain(c, cOut);
            }
        } else if (s instanceof TemporalValue t) {
            TemporalValue ct = asTime(c);
            if (ct != null) {
                int p = Math.min(ct.precision(), t.precision());
                Instant cached = ct.instant();
                if (ct.precision() > t.precision() && !sameAt(cached, t.instant(), p)
                        && sameAt(roundHalfUp(cached, p), t.instant(), p)) {
                    // The source rounded the written value to its precision (PostgreSQL, MySQL 8); MariaDB
                    // truncates. At p digits both are the value the application wrote, so either one matches.
                    cached = t.instant();
                }
                sOut.append('T');
                time(t.instant(), p, sOut);
                cOut.append('T');
                time(cached, p, cOut);
            } else {
                sOut.append('T');
                time(t.instant(), t.precision(), sOut);
                plain(c, cOut);
            }
        } else if (s instanceof LocalDate d) {
            sOut.append('D').append(d);
            LocalDate cd = asDate(c);
            if (cd != null) {
                cOut.append('D').append(cd);
            } else {
                plain(c, cOut);
            }
        } else if (s instanceof JsonNode j) {
            sOut.append('J');
            json(j, sOut);
            JsonNode cj = asJson(c);
            if (cj != null) {
                cOut.append('J');
                json(cj, cOut);
            } else {
                plain(c, cOut);
            }
        } else {
            String text = s.toString();
            if (c instanceof JsonNode n && n.isContainerNode()) {
                JsonNode sj = parseJson(text);
                if (sj != null) {
                    sOut.append('J');
                    json(sj, sOut);
                    cOut.append('J');
                    json(n, cOut);
                    return;
                }
            }
            sOut.append('S').append(nfc(text));
            if (c == null) {
                cOut.append('Z');
            } else if (c instanceof JsonNode n && n.isNumber()) {
                cOut.append('S').append(number(n.decimalValue()));
            } else if (c instanceof JsonNode n && n.isValueNode()) {
                cOut.append('S').append(nfc(n.asText()));
            } else if (c instanceof String cs) {
                cOut.append('S').append(nfc(cs));
            } else {
                plain(c, cOut);
            }
        }
    }

    /** The canonical form of a cached value by its own type, when the source gives no type to follow. */
    private static void plain(Object c, StringBuilder out) {
        if (c == null || (c instanceof JsonNode n && n.isNull())) {
            out.append('Z');
        } else if (c instanceof String s) {
            out.append('S').append(nfc(s));
        } else if (c instanceof JsonNode n) {
            switch (n.getNodeType()) {
                case NUMBER -> out.append('N').append(number(n.decimalValue()));
                case BOOLEAN -> out.append('B').append(n.booleanValue() ? '1' : '0');
                case STRING -> out.append('S').append(nfc(n.textValue()));
                default -> {
                    out.append('J');
                    json(n, out);
                }
            }
        } else {
            out.append('S').append(nfc(c.toString()));
        }
    }

    private static String number(BigDecimal d) {
        if (d.signum() == 0) {
            return "0";
        }
        // An integer (scale 0) without trailing zeros is already canonical, and toString prints it plainly; only
        // other values pay for stripTrailingZeros and toPlainString (most ids, counts and quantities are integers).
        if (d.scale() == 0) {
            return d.toString(); // 1200 at scale 0 prints "1200", as stripTrailingZeros (1.2E+3) + toPlainString does
        }
        BigDecimal stripped = d.stripTrailingZeros();
        if (stripped.scale() < -MAX_PLAIN_DIGITS || stripped.scale() > MAX_PLAIN_DIGITS) {
            // 1e999999999 would print a billion digits (and exhaust the heap): beyond this, the canonical form is
            // "<unscaled>E<exponent>", still one text per value, so equal numbers compare equal and others differ
            return stripped.unscaledValue() + "E" + (-stripped.scale());
        }
        return stripped.toPlainString();
    }

    /** Numbers whose plain form would need more digits than this get an exponent form instead (see number()). */
    private static final int MAX_PLAIN_DIGITS = 1000;

    private static BigDecimal asNumber(Object c) {
        if (c instanceof JsonNode n) {
            if (n.isNumber()) {
                return n.decimalValue();
            }
            c = n.isTextual() ? n.textValue() : null;
        }
        if (c instanceof String s) {
            String t = s.trim();
            if (t.isEmpty() || t.length() > 400) {
                return null;
            }
            char first = t.charAt(0);
            if (!(Character.isDigit(first) || first == '-' || first == '+' || first == '.')) {
                return null;
            }
            try {
                return new BigDecimal(t);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Boolean asBoolean(Object c) {
        if (c instanceof JsonNode n) {
            if (n.isBoolean()) {
                return n.booleanValue();
            }
            if (n.isNumber()) {
                BigDecimal d = n.decimalValue();
                return d.compareTo(BigDecimal.ONE) == 0 ? Boolean.TRUE : d.signum() == 0 ? Boolean.FALSE : null;
            }
            c = n.isTextual() ? n.textValue() : null;
        }
        if (c instanceof String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "true", "t", "1", "yes", "y" -> Boolean.TRUE;
                case "false", "f", "0", "no", "n" -> Boolean.FALSE;
                default -> null;
            };
        }
        return null;
    }

    /** Parses a cached timestamp: ISO-8601 (with or without zone, 'T' or space) or epoch seconds/milliseconds. */
    static TemporalValue asTime(Object c) {
        if (c instanceof JsonNode n) {
            if (n.isNumber()) {
                return epoch(n.decimalValue());
            }
            if (n.isArray()) {
                return jacksonDateTime(n);
            }
            c = n.isTextual() ? n.textValue() : null;
        }
        if (!(c instanceof String s)) {
            return null;
        }
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        if (Character.isDigit(t.charAt(0)) && t.indexOf('-') < 0) {
            BigDecimal d = asNumber(t);
            return d == null ? null : epoch(d);
        }
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        int precision = fractionDigits(t);
        try {
            char last = t.charAt(t.length() - 1);
            if (last == 'Z' || last == 'z') {
                return new TemporalValue(Instant.parse(t.toUpperCase(Locale.ROOT)), precision);
            }
            if (hasOffset(t)) {
                return new TemporalValue(OffsetDateTime.parse(t).toInstant(), precision);
            }
            if (t.length() == 10) {
                return new TemporalValue(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC), 0);
            }
            return new TemporalValue(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC), precision);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean hasOffset(String t) {
        int tIndex = t.indexOf('T');
        if (tIndex < 0) {
            return false;
        }
        return t.indexOf('+', tIndex) > 0 || t.indexOf('-', tIndex) > 0;
    }

    private static int fractionDigits(String t) {
        int dot = t.indexOf('.', 11 < t.length() ? 11 : 0);
        if (dot < 0) {
            return 0;
        }
        int digits = 0;
        for (int i = dot + 1; i < t.length() && Character.isDigit(t.charAt(i)); i++) {
            digits++;
        }
        return Math.min(digits, 9);
    }

    private static TemporalValue epoch(BigDecimal d) {
        if (d.abs().compareTo(EPOCH_MILLIS_THRESHOLD) >= 0) {
            BigDecimal nanos = d.movePointRight(6);
            return new TemporalValue(Instant.EPOCH.plusNanos(nanos.longValue()), 3 + Math.max(0, Math.min(6, d.scale())));
        }
        BigDecimal nanos = d.movePointRight(9);
        return new TemporalValue(Instant.ofEpochSecond(0, nanos.longValue()), Math.max(0, Math.min(9, d.scale())));
    }

    private static long unitNanos(int precision) {
        long unit = 1;
        for (int i = 0; i < 9 - precision; i++) {
            unit *= 10;
        }
        return unit;
    }

    /** Whether two instants are equal when both are truncated to {@code precision} fraction digits. */
    private static boolean sameAt(Instant a, Instant b, int precision) {
        return truncate(a, precision).equals(truncate(b, precision));
    }

    /** Half a unit of {@code precision} digits later: truncated, it is the instant rounded half-up (as PostgreSQL stores it). */
    static Instant roundHalfUp(Instant instant, int precision) {
        long unit = unitNanos(precision);
        return instant.plusNanos(unit / 2);
    }

    private static void time(Instant instant, int precision, StringBuilder out) {
        long nanos = instant.getNano();
        out.append(instant.getEpochSecond()).append('.').append(nanos - nanos % unitNanos(precision));
    }

    /**
     * A LocalDateTime as Jackson's JavaTimeModule writes it by default ({@code [2025,3,31,3,34,16,100000000]}: the
     * seconds and nanoseconds are left out when zero, so the array is exact to the nanosecond), taken as UTC like any
     * zone-less time.
     */
    private static TemporalValue jacksonDateTime(JsonNode n) {
        int[] p = ints(n, 5, 7);
        if (p == null) {
            return null;
        }
        try {
            LocalDateTime t = LocalDateTime.of(p[0], p[1], p[2], p[3], p[4], p.length > 5 ? p[5] : 0, p.length > 6 ? p[6] : 0);
            return new TemporalValue(t.toInstant(ZoneOffset.UTC), 9);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The elements of an array of {@code min} to {@code max} integers, or null. */
    private static int[] ints(JsonNode n, int min, int max) {
        if (n.size() < min || n.size() > max) {
            return null;
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isIntegralNumber() || !n.get(i).canConvertToInt()) {
                return null;
            }
            out[i] = n.get(i).intValue();
        }
        return out;
    }

    private static LocalDate asDate(Object c) {
        if (c instanceof JsonNode n && n.isArray()) {
            // a LocalDate as Jackson's JavaTimeModule writes it by default: [2025,3,31]
            int[] p = ints(n, 3, 3);
            try {
                return p == null ? null : LocalDate.of(p[0], p[1], p[2]);
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }
        String s = c instanceof JsonNode n && n.isTextual() ? n.textValue() : c instanceof String str ? str : null;
        if (s == null) {
            return null;
        }
        try {
            return LocalDate.parse(s.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode asJson(Object c) {
        if (c instanceof JsonNode n) {
            return n.isTextual() ? parseJson(n.textValue()) : n;
        }
        return c instanceof String s ? parseJson(s) : null;
    }

    private static JsonNode parseJson(String text) {
        String t = text.trim();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
            return null;
        }
        try {
            return JSON.readTree(t);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** Canonical JSON: object keys sorted, numbers normalised, text NFC. */
    private static void json(JsonNode n, StringBuilder out) {
        JsonNodeType type = n.getNodeType();
        switch (type) {
            case OBJECT -> {
                TreeMap<String, JsonNode> sorted = new TreeMap<>();
                n.fields().forEachRemaining(e -> sorted.put(nfc(e.getKey()), e.getValue()));
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(e.getKey(), out);
                    out.append(':');
                    json(e.getValue(), out);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < n.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    json(n.get(i), out);
                }
                out.append(']');
            }
            case NUMBER -> out.append(number(n.decimalValue()));
            case BOOLEAN -> out.append(n.booleanValue());
            case STRING -> quote(nfc(n.textValue()), out);
            default -> out.append("null");
        }
    }

    private static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        out.append('"');
    }

    private static String nfc(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x300) {
                return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
            }
        }
        return s; // below U+0300 every string is already NFC
    }

    private static Comparable<?>[] versionPair(Object c, Object s) {
        if (c instanceof JsonNode n && n.isNull()) {
            c = null;
        }
        if (s instanceof TemporalValue t) {
            TemporalValue ct = asTime(c);
            int p = ct == null ? t.precision() : Math.min(t.precision(), ct.precision());
            return new Comparable<?>[] {ct == null ? null : truncate(ct.instant(), p), truncate(t.instant(), p)};
        }
        if (s instanceof BigDecimal d) {
            return new Comparable<?>[] {asNumber(c), d};
        }
        if (s == null) {
            TemporalValue ct = asTime(c);
            return new Comparable<?>[] {ct != null ? ct.instant() : asNumber(c), null};
        }
        return new Comparable<?>[] {c == null ? null : c instanceof JsonNode n ? n.asText() : c.toString(), s.toString()};
    }

    private static Instant truncate(Instant instant, int precision) {
        return Instant.ofEpochSecond(instant.getEpochSecond(), instant.getNano() - instant.getNano() % unitNanos(precision));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareVersions(Comparable source, Comparable cache) {
        if (source == null || cache == null || source.getClass() != cache.getClass()) {
            return 0;
        }
        return Integer.signum(source.compareTo(cache));
    }

    private static String display(Comparable<?> version, Object raw) {
        if (version instanceof BigDecimal d) {
            return number(d);
        }
        return version == null ? (raw == null ? null : "unparsed") : version.toString();
    }

    /** Parses a version-column value for display, e.g. the source side of an ORPHAN. */
    public static String sourceVersion(Namespace ns, SourceRow row) {
        if (ns.version() == null || row == null) {
            return null;
        }
        Object sv = row.get(ns.version().column());
        return display(versionPair(null, sv)[1], sv);
    }

    /** The source version as an instant, when it is a timestamp (for the race defence's grace window). */
    public static Instant sourceVersionInstant(Namespace ns, SourceRow row) {
        if (ns.version() == null || row == null) {
            return null;
        }
        return row.get(ns.version().column()) instanceof TemporalValue t ? t.instant() : null;
    }

    private static final ThreadLocal<byte[]> ASCII_BUFFER = ThreadLocal.withInitial(() -> new byte[512]);
    private static final ThreadLocal<StringBuilder[]> COMPARE_BUFFERS =
            ThreadLocal.withInitial(() -> new StringBuilder[]{new StringBuilder(512), new StringBuilder(512)});

    static byte[] sha256(CharSequence text) {
        // digest() leaves the thread's MessageDigest reset, so it is not reset again here (that was a measurable
        // Arrays.fill per key). ASCII text (the usual canonical form) is copied into a reused buffer: its UTF-8
        // bytes are its chars, and this skips a String and a byte[] per digest.
        java.security.MessageDigest md = SHA256.get();
        int n = text.length();
        byte[] buf = ASCII_BUFFER.get();
        if (buf.length < n) {
            buf = new byte[Math.max(n, buf.length * 2)];
            ASCII_BUFFER.set(buf);
        }
        for (int i = 0; i < n; i++) {
            char ch = text.charAt(i);
            if (ch >= 0x80) {
                return md.digest(text.toString().getBytes(StandardCharsets.UTF_8));
            }
            buf[i] = (byte) ch;
        }
        md.update(buf, 0, n);
        return md.digest();
    }

    /** SHA-256 of raw bytes with the thread's reused digest. */
    public static byte[] sha256(byte[] bytes) {
        return SHA256.get().digest(bytes);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    public static String hex(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
