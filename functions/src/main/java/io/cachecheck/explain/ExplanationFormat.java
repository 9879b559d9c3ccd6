package io.cachecheck.explain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.Map;

/** Writes an {@link Explanation} as text for a person, or as JSON for scripts. */
public final class ExplanationFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExplanationFormat() {
    }

    public static String json(Explanation e) {
        try {
            return JSON.writeValueAsString(e) + "\n";
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an explanation is plain records and always serialises", ex);
        }
    }

    public static String text(Explanation e) {
        StringBuilder out = new StringBuilder();
        line(out, "key", e.key());
        String cls = e.driftClass() != null ? e.driftClass().name() : e.outcome();
        line(out, "class", cls + (e.reason() == null ? "" : "  (" + e.reason() + ")"));
        Explanation.Route r = e.route();
        if (r.namespace() != null) {
            line(out, "route", r.outcome() + ": namespace " + r.namespace() + ", pattern " + r.pattern());
            line(out, "", "tenant " + r.tenant() + " from {" + r.tenantPlaceholder() + "}, "
                    + (Boolean.TRUE.equals(r.tenantActive()) ? "active" : "NOT active") + " in tenants.sql");
            if (r.placeholders() != null) {
                for (Map.Entry<String, String> p : r.placeholders().entrySet()) {
                    line(out, "", "{" + p.getKey() + "} = " + p.getValue());
                }
            }
        } else {
            line(out, "route", r.outcome() + (r.reason() == null ? "" : " (" + r.reason() + ")") + ": no key pattern matches");
        }
        for (String m : r.matched()) {
            line(out, "", "matches " + m);
        }
        if (r.nearest() != null) {
            Explanation.Nearest n = r.nearest();
            line(out, "nearest", "namespace " + n.namespace() + ", pattern " + n.pattern());
            line(out, "", "departs at key byte " + n.keyOffset() + " (pattern position " + n.patternOffset() + "): "
                    + n.expected() + (n.found() == null ? "" : "; the key has \"" + n.found() + "\""));
        }
        if (r.hint() != null) {
            line(out, "hint", r.hint());
        }
        if (e.node() != null && e.stored() != null) {
            line(out, "node", e.node());
            line(out, "stored", e.stored());
        }
        if (e.decode() != null) {
            String label = "decode";
            for (Explanation.DecodeStep s : e.decode()) {
                line(out, label, s.step() + " -> " + (s.failure() == null ? s.produced() : "FAILED: " + s.failure()));
                label = "";
            }
        }
        if (e.lookup() != null) {
            Explanation.Lookup l = e.lookup();
            String label = "sql";
            for (String sqlLine : l.sql().strip().split("\n")) {
                line(out, label, sqlLine.strip());
                label = "";
            }
            for (Explanation.Parameter p : l.parameters()) {
                line(out, "bind", p.index() + ": :" + p.name() + " = " + p.value());
            }
            line(out, "rows", l.rejected() != null ? "the source refused the key's value for its column (SQLState "
                    + l.rejected() + ")" : String.valueOf(l.rows()));
        }
        if (e.fields() != null) {
            for (Explanation.Field f : e.fields()) {
                line(out, "field", f.field() + (f.field().equals(f.column()) ? "" : " (column " + f.column() + ")") + ": "
                        + (f.cacheType() == null || f.sourceType() == null ? "not compared"
                        : f.equal() ? "equal" : "DIFFERENT") + (f.comparedAs() == null ? "" : ", compared as " + f.comparedAs()));
                line(out, "", "cache  " + side(f.cacheType(), f.cacheLength(), f.cacheDigest(), f.cacheValue(), e.valuesShown()));
                line(out, "", "source " + side(f.sourceType(), f.sourceLength(), f.sourceDigest(), f.sourceValue(), e.valuesShown()));
            }
        }
        if (e.members() != null) {
            Explanation.Members m = e.members();
            line(out, "members", "cache " + (m.cachedCount() == null ? "-" : m.cachedCount()) + ", source rows "
                    + (m.sourceCount() == null ? "-" : m.sourceCount()));
            if (e.valuesShown()) {
                line(out, "", "cache  " + m.cached());
                line(out, "", "source " + m.source());
            }
        }
        for (Explanation.Look l : e.looks()) {
            line(out, "look", l.stage() + ": " + (l.driftClass() == null ? (l.rejected() != null ? "refused by the source" : "key gone")
                    : l.driftClass() + (l.reason() == null ? "" : " (" + l.reason() + ")"))
                    + (l.differing() == null ? "" : " " + l.differing())
                    + (l.cacheVersion() == null && l.sourceVersion() == null ? ""
                    : "; versions cache " + l.cacheVersion() + ", source " + l.sourceVersion()));
        }
        if (e.finding() != null) {
            Explanation.FindingDigests d = e.finding();
            line(out, "digests", "cache " + d.cacheDigest() + "\n" + pad("") + "source " + d.sourceDigest() + "\n" + pad("")
                    + "value " + d.valueDigest());
        }
        for (String n : e.notes()) {
            line(out, "note", n);
        }
        if (!e.valuesShown()) {
            line(out, "values", "not shown (types, lengths, equality and digests keyed for this explanation only);"
                    + " --show-values shows the canonical forms on this terminal");
        }
        return out.toString();
    }

    private static String side(String type, Integer length, String digest, String value, boolean shown) {
        if (type == null) {
            return "-";
        }
        StringBuilder s = new StringBuilder(type);
        if (length != null) {
            s.append(", ").append(length).append(length == 1 ? " char" : " chars");
        }
        if (digest != null) {
            s.append(", #").append(digest);
        }
        if (shown && value != null) {
            s.append(", canonical ").append(value);
        }
        return s.toString();
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(pad(label)).append(text).append('\n');
    }

    private static String pad(String label) {
        return String.format("%-9s", label);
    }
}
