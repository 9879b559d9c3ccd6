package io.cachecheck.local.init;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Infers key patterns from sampled keys, segment by segment. Keys are split on their delimiter (the one most keys
 * contain, {@code :} first); each segment is then one of:
 * <ul>
 *   <li>a constant (the same literal in every key of the family, e.g. {@code order}; Spring's {@code cacheName::key}
 *       gives an empty constant between the two colons);</li>
 *   <li>the tenant (a word-like segment with several values, each repeating under several families, e.g.
 *       {@code acme}, {@code globex});</li>
 *   <li>an id (numeric, UUID or hex values, or words with about one value per key).</li>
 * </ul>
 * Pure: no I/O, so every rule has a unit test ({@code KeyPatternInferenceTest}).
 */
public final class KeyPatternInference {
    /** The tenant placeholder every pattern gets (the contract's default {@code tenants.placeholder}). */
    public static final String TENANT = "tenant_id";
    /** Families with fewer sampled keys than this are not proposed as namespaces: too little to infer from. */
    static final int MIN_KEYS = 2;
    private static final String[] DELIMITERS = {":", "/", "|", "#", "."};
    private static final Pattern NUMERIC = Pattern.compile("-?\\d+");
    private static final Pattern UUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern HEX = Pattern.compile("(?i)[0-9a-f]{8,}");
    private static final String ID = "\u0000id";
    private static final String TENANT_MARK = "\u0000tenant";

    /** What one segment of a family's keys is. */
    public enum Kind { CONSTANT, TENANT, ID }

    /**
     * One segment of a family.
     *
     * @param literal  the constant text (CONSTANT only)
     * @param distinct how many distinct values the sample holds there
     * @param numeric  whether every sampled value there is an integer
     */
    public record Segment(Kind kind, String literal, int distinct, boolean numeric) {
    }

    /**
     * A family of keys with one shape: the proposed namespace.
     *
     * @param name     a short name, from its last constant word (e.g. {@code order})
     * @param segments its segments in key order
     * @param keys     the sampled keys of the family
     * @param tenantGuessed true when the tenant segment was chosen among id-like (numeric) segments: a weaker guess
     * @param tenantConfirmed when the tenant segment is a constant of the sample (one tenant only), why the source
     *                        confirmed it (e.g. {@code 'acme' matches customers.tenant_id}); null otherwise
     */
    public record Family(String name, String delimiter, List<Segment> segments, List<String> keys, boolean tenantGuessed,
                         String tenantConfirmed) {
        /** The key pattern, with {@code {tenant_id}} and the given names for the id segments, in order. */
        public String pattern(List<String> idNames) {
            StringBuilder out = new StringBuilder();
            int id = 0;
            for (int i = 0; i < segments.size(); i++) {
                if (i > 0) {
                    out.append(delimiter);
                }
                Segment s = segments.get(i);
                switch (s.kind()) {
                    case CONSTANT -> out.append(s.literal());
                    case TENANT -> out.append('{').append(TENANT).append('}');
                    case ID -> out.append('{').append(idNames.get(id++)).append('}');
                }
            }
            return out.toString();
        }

        /** The id segments, in key order. */
        public List<Segment> ids() {
            return segments.stream().filter(s -> s.kind() == Kind.ID).toList();
        }

        /** Whether the family has a tenant segment. */
        public boolean hasTenant() {
            return segments.stream().anyMatch(s -> s.kind() == Kind.TENANT);
        }
    }

    /**
     * The inference.
     *
     * @param families  the proposed namespaces, largest first
     * @param leftOver  shapes of sampled keys that fit no family (too few keys, or no tenant segment), each with its
     *                  number of sampled keys; the values of variable segments are replaced by {@code *}
     */
    public record Result(String delimiter, List<Family> families, Map<String, Integer> leftOver) {
    }

    /**
     * Asked, for a key shape with no varying tenant segment, whether one of its constant segments is a tenant id (a
     * sample of one tenant's keys).
     */
    @FunctionalInterface
    public interface TenantConfirmation {
        /**
         * @param value      the constant segment's text
         * @param familyName the name the family would get with this segment as its tenant
         * @return why {@code value} is a tenant id (it was found in the source), or null when it is not known to be one
         */
        String confirm(String value, String familyName);
    }

    private KeyPatternInference() {
    }

    /** Infers the families of {@code keys} (a sample; order does not matter); a constant segment is never the tenant. */
    public static Result infer(Collection<String> keys) {
        return infer(keys, (value, name) -> null);
    }

    /**
     * Infers the families of {@code keys}; a key shape with no varying tenant segment takes for its tenant the first
     * of its constant word segments that {@code confirmation} confirms (a cache holding one tenant's keys).
     */
    public static Result infer(Collection<String> keys, TenantConfirmation confirmation) {
        String delimiter = delimiter(keys);
        Map<Integer, List<String[]>> byLength = new LinkedHashMap<>();
        for (String key : keys) {
            String[] parts = key.split(Pattern.quote(delimiter), -1);
            byLength.computeIfAbsent(parts.length, n -> new ArrayList<>()).add(parts);
        }
        List<Family> families = new ArrayList<>();
        Map<String, Integer> leftOver = new LinkedHashMap<>();
        for (List<String[]> group : byLength.values()) {
            inferGroup(group, delimiter, families, leftOver, confirmation);
        }
        families.sort((a, b) -> Integer.compare(b.keys().size(), a.keys().size()));
        return new Result(delimiter, uniqueNames(families), leftOver);
    }

    /** The delimiter most keys contain; ':' when none has any. */
    static String delimiter(Collection<String> keys) {
        String best = ":";
        int bestCount = 0;
        for (String d : DELIMITERS) {
            int count = 0;
            for (String key : keys) {
                if (key.contains(d)) {
                    count++;
                }
            }
            if (count > bestCount) {
                best = d;
                bestCount = count;
            }
        }
        return best;
    }

    /** Whether a segment value looks like an id on its own: an integer, a UUID, or 8+ hex digits with a digit. */
    static boolean idLike(String value) {
        return NUMERIC.matcher(value).matches() || UUID.matcher(value).matches()
                || HEX.matcher(value).matches() && value.chars().anyMatch(Character::isDigit);
    }

    private static void inferGroup(List<String[]> keys, String delimiter, List<Family> families, Map<String, Integer> leftOver,
                                   TenantConfirmation confirmation) {
        int n = keys.get(0).length;
        // the shape of a key: id-like segments masked, words kept
        List<String[]> shapes = new ArrayList<>(keys.size());
        for (String[] parts : keys) {
            String[] shape = parts.clone();
            for (int i = 0; i < n; i++) {
                if (idLike(parts[i])) {
                    shape[i] = ID;
                }
            }
            shapes.add(shape);
        }
        // words with about one value per key are ids too (user names, slugs): merge them position by position
        for (int p = n - 1; p >= 0; p--) {
            mergeWordIds(shapes, p);
        }
        int[] tenantOf = tenantPositions(shapes, n);
        int numericTenant = numericTenantPosition(keys, shapes, tenantOf, n);
        Map<String, List<Integer>> byFamily = new LinkedHashMap<>();
        for (int k = 0; k < shapes.size(); k++) {
            if (tenantOf[k] < 0) {
                tenantOf[k] = numericTenant;
            }
            String[] shape = shapes.get(k).clone();
            if (tenantOf[k] >= 0) {
                shape[tenantOf[k]] = TENANT_MARK;
            }
            byFamily.computeIfAbsent(String.join("\u0001", shape), s -> new ArrayList<>()).add(k);
        }
        for (List<Integer> members : byFamily.values()) {
            String[] shape = shapes.get(members.get(0)).clone();
            int tenant = tenantOf[members.get(0)];
            boolean guessed = tenant >= 0 && tenant == numericTenant;
            String confirmed = null;
            if (tenant < 0 && members.size() >= MIN_KEYS && Arrays.asList(shape).contains(ID)) {
                // one tenant in the sample: its segment is a constant; only the source can say which constant it is
                for (int i = 0; i < n && confirmed == null; i++) {
                    if (!ID.equals(shape[i]) && !shape[i].isEmpty()) {
                        String[] asTenant = shape.clone();
                        asTenant[i] = TENANT_MARK;
                        confirmed = confirmation.confirm(shape[i], nameOfShape(asTenant));
                        tenant = confirmed == null ? -1 : i;
                    }
                }
            }
            if (tenant < 0 || members.size() < MIN_KEYS) {
                leftOver.merge(masked(keys.get(members.get(0)), shape, tenant, delimiter, members.size()), members.size(), Integer::sum);
                continue;
            }
            List<Segment> segments = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Set<String> values = new HashSet<>();
                boolean numeric = true;
                for (int k : members) {
                    values.add(keys.get(k)[i]);
                    numeric &= NUMERIC.matcher(keys.get(k)[i]).matches();
                }
                Kind kind = i == tenant ? Kind.TENANT : ID.equals(shape[i]) ? Kind.ID : Kind.CONSTANT;
                segments.add(new Segment(kind, kind == Kind.CONSTANT ? shape[i] : null, values.size(), numeric));
            }
            if (segments.stream().noneMatch(s -> s.kind() == Kind.ID)) {
                // every key of the family is the same once the tenant is set: one key per tenant, e.g. t:acme:settings
                leftOver.merge(masked(keys.get(members.get(0)), shape, tenant, delimiter, members.size()), members.size(), Integer::sum);
                continue;
            }
            List<String> sample = new ArrayList<>(members.size());
            for (int k : members) {
                sample.add(String.join(delimiter, keys.get(k)));
            }
            families.add(new Family(name(segments), delimiter, List.copyOf(segments), List.copyOf(sample), guessed, confirmed));
        }
    }

    /**
     * At position {@code p}, words that vary with almost every key (at least 3 values, at least half as many values
     * as keys, among keys that agree everywhere else) are ids.
     */
    private static void mergeWordIds(List<String[]> shapes, int p) {
        Map<String, List<String[]>> rest = new HashMap<>();
        for (String[] shape : shapes) {
            if (!ID.equals(shape[p])) {
                String[] other = shape.clone();
                other[p] = ID;
                rest.computeIfAbsent(String.join("\u0001", other), s -> new ArrayList<>()).add(shape);
            }
        }
        for (List<String[]> same : rest.values()) {
            Set<String> values = new HashSet<>();
            same.forEach(s -> values.add(s[p]));
            if (values.size() >= 3 && values.size() * 2 >= same.size()) {
                same.forEach(s -> s[p] = ID);
            }
        }
    }

    /**
     * The tenant segment of each key, among its word segments: the position where the key's value is one of the most
     * values that keys agreeing everywhere else hold (tenants repeat under every family), at least two; at equal
     * counts the earlier position (tenants usually come first, after a prefix). An empty value is never a tenant (a
     * placeholder takes at least one byte), which keeps Spring's {@code cache::key} apart. -1 where no word segment
     * varies.
     */
    private static int[] tenantPositions(List<String[]> shapes, int n) {
        List<Map<String, Set<String>>> valuesByRest = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            Map<String, Set<String>> byRest = new HashMap<>();
            for (String[] shape : shapes) {
                if (!ID.equals(shape[p]) && !shape[p].isEmpty()) {
                    byRest.computeIfAbsent(rest(shape, p), s -> new HashSet<>()).add(shape[p]);
                }
            }
            valuesByRest.add(byRest);
        }
        int[] out = new int[shapes.size()];
        for (int k = 0; k < shapes.size(); k++) {
            String[] shape = shapes.get(k);
            int best = -1;
            int bestValues = 1;
            for (int p = 0; p < n; p++) {
                Set<String> values = valuesByRest.get(p).get(rest(shape, p));
                if (values != null && values.size() > bestValues) {
                    best = p;
                    bestValues = values.size();
                }
            }
            out[k] = best;
        }
        return out;
    }

    private static String rest(String[] shape, int p) {
        String[] other = shape.clone();
        other[p] = TENANT_MARK;
        return String.join("\u0001", other);
    }

    /**
     * Tenants written as numbers ({@code t:42:order:7}): the first id-like position, not the last, with few values
     * (at most a quarter of the keys, at least two). Returns -1 when there is none.
     */
    private static int numericTenantPosition(List<String[]> keys, List<String[]> shapes, int[] tenantOf, int n) {
        for (int p = 0; p < n - 1; p++) {
            boolean allIds = true;
            Set<String> values = new HashSet<>();
            int count = 0;
            for (int k = 0; k < shapes.size(); k++) {
                if (tenantOf[k] >= 0) {
                    continue;
                }
                count++;
                allIds &= ID.equals(shapes.get(k)[p]);
                values.add(keys.get(k)[p]);
            }
            if (count > 0 && allIds && values.size() >= 2 && values.size() * 4 <= count) {
                return p;
            }
        }
        return -1;
    }

    /** The shape of left-over keys; for a single key only its first segment is kept (no value of a key is shown). */
    private static String masked(String[] key, String[] shape, int tenant, String delimiter, int keys) {
        String[] out = new String[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = i == tenant || ID.equals(shape[i]) || keys == 1 && i > 0 ? "*" : key[i];
        }
        return String.join(delimiter, out);
    }

    /** {@link #name} of a masked shape: its constants are the segments that are neither an id nor the tenant. */
    private static String nameOfShape(String[] shape) {
        List<Segment> segments = new ArrayList<>(shape.length);
        for (String s : shape) {
            boolean constant = !ID.equals(s) && !TENANT_MARK.equals(s);
            segments.add(new Segment(constant ? Kind.CONSTANT : Kind.ID, constant ? s : null, 1, false));
        }
        return name(segments);
    }

    /** The last non-empty constant, as a contract name ([a-z0-9_]); "keys" when there is none. */
    private static String name(List<Segment> segments) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            Segment s = segments.get(i);
            if (s.kind() == Kind.CONSTANT && !s.literal().isBlank()) {
                String name = s.literal().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_").replaceAll("^_+|_+$", "");
                if (!name.isEmpty()) {
                    return name;
                }
            }
        }
        return "keys";
    }

    private static List<Family> uniqueNames(List<Family> families) {
        Map<String, Integer> seen = new HashMap<>();
        List<Family> out = new ArrayList<>(families.size());
        for (Family f : families) {
            int count = seen.merge(f.name(), 1, Integer::sum);
            out.add(count == 1 ? f : new Family(f.name() + "_" + count, f.delimiter(), f.segments(), f.keys(), f.tenantGuessed(),
                    f.tenantConfirmed()));
        }
        return out;
    }
}
