package io.cachecheck.check;

import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.ValueType;
import io.cachecheck.source.SourceRow;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the members of a cached set, sorted set or list with the rows of its key (docs/contract.md,
 * "Collections"). Both sides are first put in canonical form member by member, typed by the member column as scalar
 * fields are (so a cached {@code "7"} equals an integer 7), then compared by the value type's rules:
 * <ul>
 *   <li>set: as sets; duplicate rows collapse, as a Redis set cannot hold a member twice;</li>
 *   <li>list: as sequences; duplicates count, and so does order;</li>
 *   <li>zset with a score column: member and score pairs; without one: membership, and the rows' order must be an
 *       ascending-score order of the cached members (members with equal scores may come in any order).</li>
 * </ul>
 * A difference is described by counts only (missing, extra, misplaced members), never by the members themselves.
 * Rows whose member is NULL are skipped: a LEFT JOIN from the entity's table gives one such row for an entity with
 * an empty collection, which then reads as "exists, with no members" instead of "no rows" (ORPHAN).
 */
final class CollectionComparison {
    /**
     * The outcome of comparing one key.
     *
     * @param reason       null when equal, else e.g. {@code members-differ: 2 missing, 1 extra}
     * @param aspects      what differs, as the finding's {@code fields}: {@code members}, {@code scores}, {@code order}
     * @param cacheDigest  SHA-256 of the cached side's canonical form
     * @param sourceDigest SHA-256 of the source side's canonical form; equal to {@code cacheDigest} when equal
     */
    record Result(boolean equal, String reason, List<String> aspects, byte[] cacheDigest, byte[] sourceDigest) {
    }

    private CollectionComparison() {
    }

    /**
     * The canonical cached members, typed like the member column's values in {@code rows} (as text when the rows
     * give no type: no rows, or only NULL members). A column can give values of two types (MySQL's TINYINT(1) reads 0
     * and 1 as booleans, other values as numbers): a member is then read as whichever of them gives a form the rows
     * hold, so the mix never makes an equal member differ.
     */
    static List<String> cachedMembers(List<String> members, List<SourceRow> rows, String memberColumn) {
        Map<Class<?>, Object> samples = new LinkedHashMap<>();
        for (SourceRow row : rows) {
            Object value = row.get(memberColumn);
            if (value != null) {
                samples.putIfAbsent(value.getClass(), value);
            }
        }
        List<Object> types = samples.isEmpty() ? Collections.singletonList(null) : new ArrayList<>(samples.values());
        Set<String> source = new java.util.HashSet<>();
        if (types.size() > 1) { // the rows' forms are only needed when there is a choice to make
            for (SourceRow row : rows) {
                String m = sourceMember(row, memberColumn);
                if (m != null) {
                    source.add(m);
                }
            }
        }
        List<String> out = new ArrayList<>(members.size());
        StringBuilder c = new StringBuilder();
        StringBuilder unused = new StringBuilder();
        for (String member : members) {
            String first = null;
            String match = null;
            for (Object type : types) {
                c.setLength(0);
                unused.setLength(0);
                Canonicalizer.canonicalPair(member, type, c, unused);
                String form = c.toString();
                first = first == null ? form : first;
                if (types.size() == 1 || source.contains(form)) {
                    match = form;
                    break;
                }
            }
            out.add(match != null ? match : first);
        }
        return out;
    }

    /** The canonical member of a row, or null when it is NULL. */
    static String sourceMember(SourceRow row, String memberColumn) {
        Object value = row.get(memberColumn);
        if (value == null) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        Canonicalizer.canonicalPair(null, value, new StringBuilder(), s);
        return s.toString();
    }

    /**
     * The canonical form of a score. Redis keeps scores as IEEE 754 doubles, so a source score is compared as the
     * double nearest to it ({@code 12.50} and a cached {@code 12.5} are equal; a decimal a double cannot hold exactly
     * equals what the cache could store of it).
     */
    static String score(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "+inf" : "-inf";
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        return b.scale() < -1000 || b.scale() > 1000 ? b.toString() : b.toPlainString();
    }

    /** The canonical score of a row (a numeric column, checked by the source), or null when it is NULL. */
    static String sourceScore(SourceRow row, String scoreColumn) {
        Object value = row.get(scoreColumn);
        return value instanceof BigDecimal b ? score(b.doubleValue()) : value == null ? null : value.toString();
    }

    /**
     * Compares a key's cached members (canonical, in the order Redis returned them: a list's order, a zset's
     * ascending score order) with its rows.
     *
     * @param scores the cached scores of a zset, parallel to {@code cached}; null otherwise
     */
    static Result compare(Namespace ns, List<String> cached, double[] scores, List<SourceRow> rows) {
        String memberColumn = ns.memberColumn();
        List<String> source = new ArrayList<>(rows.size());
        List<String> sourceScores = ns.scoreColumn() == null ? null : new ArrayList<>(rows.size());
        for (SourceRow row : rows) {
            String m = sourceMember(row, memberColumn);
            if (m != null) {
                source.add(m);
                if (sourceScores != null) {
                    sourceScores.add(sourceScore(row, ns.scoreColumn()));
                }
            }
        }
        return switch (ns.valueType()) {
            case SET -> set(cached, source);
            case LIST -> list(cached, source);
            case ZSET -> sourceScores != null ? scoredSet(cached, scores, source, sourceScores) : rankedSet(cached, scores, source);
            default -> throw new IllegalArgumentException(ns.valueType() + " is not a collection type");
        };
    }

    /** Canonical members of the cache only (an orphan's digest): as text, in the value type's canonical order. */
    static byte[] cacheOnlyDigest(Namespace ns, List<String> cached, double[] scores) {
        if (ns.valueType() == ValueType.SET) {
            List<String> sorted = new ArrayList<>(cached);
            Collections.sort(sorted);
            return digest("set", sorted);
        }
        if (ns.valueType() == ValueType.ZSET) {
            if (ns.scoreColumn() != null) {
                return digest("zset", pairs(cached, scores));
            }
            Map<String, Double> scoreOf = new HashMap<>();
            for (int i = 0; i < cached.size(); i++) {
                scoreOf.putIfAbsent(cached.get(i), scores[i]);
            }
            return digest("zset-order", tiesSorted(cached, scoreOf));
        }
        return digest("list", cached);
    }

    /** The digest of the source side alone (a CORRUPT key's source digest). */
    static byte[] sourceOnlyDigest(Namespace ns, List<SourceRow> rows) {
        List<String> members = new ArrayList<>(rows.size());
        List<String> scores = new ArrayList<>(rows.size());
        for (SourceRow row : rows) {
            String m = sourceMember(row, ns.memberColumn());
            if (m != null) {
                members.add(m);
                scores.add(ns.scoreColumn() == null ? null : sourceScore(row, ns.scoreColumn()));
            }
        }
        return switch (ns.valueType()) {
            case SET -> digest("set", sortedDistinct(members));
            case LIST -> digest("list", members);
            // without cached scores, rows with tied sort keys have no canonical order: the members alone, sorted
            default -> ns.scoreColumn() == null ? digest("zset-members", sortedDistinct(members))
                    : digest("zset", sourcePairs(members, scores));
        };
    }

    private static Result set(List<String> cached, List<String> source) {
        Set<String> distinct = new LinkedHashSet<>(source);
        Map<String, Integer> counts = counts(cached);
        int missing = 0;
        for (String s : distinct) {
            if (!counts.containsKey(s)) {
                missing++;
            }
        }
        int extra = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            // two cached members can have one canonical form ("7" and "07" for an integer column): one is extra
            extra += e.getValue() - (distinct.contains(e.getKey()) ? 1 : 0);
        }
        List<String> sortedCache = new ArrayList<>(cached);
        Collections.sort(sortedCache);
        return result(missing, extra, 0, null, digest("set", sortedCache), digest("set", sortedDistinct(source)));
    }

    private static Result list(List<String> cached, List<String> source) {
        Map<String, Integer> balance = counts(cached);
        for (String s : source) {
            balance.merge(s, -1, Integer::sum);
        }
        int missing = 0;
        int extra = 0;
        for (int b : balance.values()) {
            if (b > 0) {
                extra += b;
            } else {
                missing -= b;
            }
        }
        String order = null;
        if (missing == 0 && extra == 0) {
            int misplaced = 0;
            for (int i = 0; i < cached.size(); i++) {
                if (!cached.get(i).equals(source.get(i))) {
                    misplaced++;
                }
            }
            order = misplaced == 0 ? null : "order-differs: " + misplaced + " of " + cached.size() + " positions";
        }
        return result(missing, extra, 0, order, digest("list", cached), digest("list", source));
    }

    private static Result scoredSet(List<String> cached, double[] scores, List<String> source, List<String> sourceScores) {
        Map<String, Set<String>> bySource = new LinkedHashMap<>();
        for (int i = 0; i < source.size(); i++) {
            bySource.computeIfAbsent(source.get(i), k -> new LinkedHashSet<>()).add(String.valueOf(sourceScores.get(i)));
        }
        Map<String, String> byCache = new HashMap<>();
        int extra = 0;
        for (int i = 0; i < cached.size(); i++) {
            String previous = byCache.putIfAbsent(cached.get(i), score(scores[i]));
            if (previous != null || !bySource.containsKey(cached.get(i))) {
                extra++;
            }
        }
        int missing = 0;
        int scoresDiffer = 0;
        for (Map.Entry<String, Set<String>> e : bySource.entrySet()) {
            String cachedScore = byCache.get(e.getKey());
            if (cachedScore == null) {
                missing++;
            } else if (e.getValue().size() != 1 || !e.getValue().contains(cachedScore)) {
                // a member the rows give two scores cannot equal any one cached score
                scoresDiffer++;
            }
        }
        return result(missing, extra, scoresDiffer, null, digest("zset", pairs(cached, scores)),
                digest("zset", sourcePairs(source, sourceScores)));
    }

    private static Result rankedSet(List<String> cached, double[] scores, List<String> source) {
        Set<String> distinct = new LinkedHashSet<>(source);
        Map<String, Integer> counts = counts(cached);
        int missing = 0;
        for (String s : distinct) {
            if (!counts.containsKey(s)) {
                missing++;
            }
        }
        int extra = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            extra += e.getValue() - (distinct.contains(e.getKey()) ? 1 : 0);
        }
        Map<String, Double> scoreOf = new HashMap<>();
        for (int i = 0; i < cached.size(); i++) {
            scoreOf.putIfAbsent(cached.get(i), scores[i]);
        }
        String order = null;
        if (missing == 0 && extra == 0) {
            int outOfOrder = 0;
            double previous = Double.NEGATIVE_INFINITY;
            for (String s : distinct) {
                double score = scoreOf.get(s);
                if (score < previous) {
                    outOfOrder++;
                }
                previous = Math.max(previous, score);
            }
            order = outOfOrder == 0 ? null : "order-differs: " + outOfOrder + " of " + cached.size() + " members out of score order";
        }
        return result(missing, extra, 0, order, digest("zset-order", tiesSorted(cached, scoreOf)),
                digest("zset-order", tiesSorted(new ArrayList<>(distinct), scoreOf)));
    }

    /**
     * The sequence with each run of neighbours that have the same cached score sorted: the canonical form of an
     * order in which equal scores may come in any order. A query whose ORDER BY leaves such rows tied may return them
     * in another order at the re-check; that must not read as a change (IN_FLIGHT). Members without a cached score
     * stay where they are.
     */
    private static List<String> tiesSorted(List<String> sequence, Map<String, Double> scoreOf) {
        List<String> out = new ArrayList<>(sequence.size());
        int from = 0;
        while (from < sequence.size()) {
            Double score = scoreOf.get(sequence.get(from));
            int to = from + 1;
            while (score != null && to < sequence.size() && score.equals(scoreOf.get(sequence.get(to)))) {
                to++;
            }
            List<String> run = new ArrayList<>(sequence.subList(from, to));
            Collections.sort(run);
            out.addAll(run);
            from = to;
        }
        return out;
    }

    private static Result result(int missing, int extra, int scoresDiffer, String order, byte[] cacheDigest, byte[] sourceDigest) {
        List<String> reasons = new ArrayList<>(3);
        List<String> aspects = new ArrayList<>(3);
        if (missing > 0 || extra > 0) {
            reasons.add("members-differ: " + missing + " missing, " + extra + " extra");
            aspects.add("members");
        }
        if (scoresDiffer > 0) {
            reasons.add("scores-differ: " + scoresDiffer + (scoresDiffer == 1 ? " member" : " members"));
            aspects.add("scores");
        }
        if (order != null) {
            reasons.add(order);
            aspects.add("order");
        }
        if (reasons.isEmpty()) {
            // equal under the comparison's rules (duplicate rows collapsed, ties in any order): one canonical form
            return new Result(true, null, List.of(), cacheDigest, cacheDigest);
        }
        return new Result(false, String.join("; ", reasons), List.copyOf(aspects), cacheDigest, sourceDigest);
    }

    private static Map<String, Integer> counts(List<String> members) {
        Map<String, Integer> counts = new HashMap<>(members.size() * 2);
        for (String m : members) {
            counts.merge(m, 1, Integer::sum);
        }
        return counts;
    }

    private static List<String> sortedDistinct(List<String> members) {
        List<String> out = new ArrayList<>(new LinkedHashSet<>(members));
        Collections.sort(out);
        return out;
    }

    private static List<String> pairs(List<String> members, double[] scores) {
        List<String> out = new ArrayList<>(members.size());
        for (int i = 0; i < members.size(); i++) {
            out.add(members.get(i) + '\u0000' + score(scores[i]));
        }
        Collections.sort(out);
        return out;
    }

    private static List<String> sourcePairs(List<String> members, List<String> scores) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < members.size(); i++) {
            out.add(members.get(i) + '\u0000' + scores.get(i));
        }
        List<String> sorted = new ArrayList<>(out);
        Collections.sort(sorted);
        return sorted;
    }

    /** SHA-256 of a tagged, length-prefixed sequence: no two different sequences share a text. */
    private static byte[] digest(String tag, List<String> items) {
        StringBuilder out = new StringBuilder(tag.length() + items.size() * 16).append(tag).append('\n');
        for (String item : items) {
            out.append(item.length()).append(':').append(item).append('\n');
        }
        return Canonicalizer.sha256(out);
    }
}
