package io.cachecheck.explain;

import io.cachecheck.cache.CachedValue;
import io.cachecheck.cache.RedisNodes;
import io.cachecheck.check.CachedValueDecoder;
import io.cachecheck.check.Canonicalizer;
import io.cachecheck.check.DriftClass;
import io.cachecheck.check.Finding;
import io.cachecheck.check.KeyProbe;
import io.cachecheck.check.KeyText;
import io.cachecheck.check.Skipped;
import io.cachecheck.contract.Contract;
import io.cachecheck.contract.KeyPattern;
import io.cachecheck.contract.Namespace;
import io.cachecheck.contract.SecretResolver;
import io.cachecheck.decode.Decoded;
import io.cachecheck.decode.chain.DecodeTrace;
import io.cachecheck.error.DidYouMean;
import io.cachecheck.redact.KeyRedactor;
import io.cachecheck.shard.ShardPlanner;
import io.cachecheck.source.JdbcSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Explains one cache key ({@code cachecheck explain KEY}). The key goes through the validator's own parts
 * ({@link KeyProbe}: routing, batching, the first look and the re-check after the grace period), so the class shown
 * is the class a validate run over every active tenant gives it. What each look read is then taken apart with the
 * engine's own decoder ({@link CachedValueDecoder} with a {@link DecodeTrace}) and canonicaliser
 * ({@link Canonicalizer#fieldForms}).
 *
 * <p>Values are put in the {@link Explanation} only when {@code showValues} is set; keys, placeholder values and bind
 * values that come from the key are redacted as in every other output when the redactor is enabled.
 */
public final class KeyExplainer {
    private static final int DIGEST_HEX = 12;

    private final Contract contract;
    private final RedisNodes redis;
    private final SecretResolver secrets;
    private final KeyRedactor redactor;

    public KeyExplainer(Contract contract, RedisNodes redis, SecretResolver secrets, KeyRedactor redactor) {
        this.contract = contract;
        this.redis = redis;
        this.secrets = secrets;
        this.redactor = redactor;
    }

    /** Explains a key, discovering the active tenants with the contract's {@code tenants.sql}. */
    public Explanation explain(byte[] key, boolean showValues) {
        Set<String> active;
        try (JdbcSource source = new JdbcSource(contract.source(), secrets, contract.check().maxRetries(),
                contract.check().retryBackoffMillis())) {
            active = ShardPlanner.discover(contract, source).ids();
        }
        return explain(key, active, showValues);
    }

    /** Explains a key against a given set of active tenants. */
    public Explanation explain(byte[] key, Set<String> activeTenants, boolean showValues) {
        KeyProbe.Result probe = new KeyProbe(contract, redis, secrets).probe(key, activeTenants);
        Mac digest = newDigest();
        List<String> notes = new ArrayList<>();
        Explanation.Route route = route(key, probe.routing(), activeTenants);
        Namespace ns = probe.routing().namespace() == null ? null : contract.namespace(probe.routing().namespace());
        KeyProbe.Look last = probe.looks().isEmpty() ? null : probe.looks().get(probe.looks().size() - 1);

        String stored = null;
        List<Explanation.DecodeStep> decode = null;
        Explanation.Lookup lookup = null;
        List<Explanation.Field> fields = null;
        Explanation.Members members = null;
        if (probe.routing().kind() == KeyProbe.RouteKind.CHECKED && last != null) {
            stored = stored(last.value());
            lookup = lookup(ns, probe.routing(), last);
            if (ns.valueType().collection()) {
                members = members(ns, last, showValues);
            } else if (!(last.value() instanceof CachedValue.Missing)) {
                DecodeTrace trace = new DecodeTrace();
                Decoded decoded = CachedValueDecoder.decode(ns, last.value(), contract.check().maxValueBytes(), trace);
                decode = decodeSteps(last.value(), decoded, trace);
                if (last.rejectedState() == null) {
                    fields = fields(ns, decoded, last, showValues, digest);
                }
            }
        }
        List<Explanation.Look> looks = new ArrayList<>();
        for (KeyProbe.Look l : probe.looks()) {
            KeyProbe.Classification c = l.classification();
            looks.add(new Explanation.Look(l.stage(), c == null ? null : c.driftClass(), c == null ? null : c.reason(),
                    c == null || c.fields().isEmpty() ? null : c.fields(), c == null ? null : c.cacheVersion(),
                    c == null ? null : c.sourceVersion(), l.rejectedState()));
        }
        String outcome = outcome(probe, notes);
        if (probe.looks().size() > 1) {
            notes.add("the first look differed, so the key was read again, as validate does, and only that look counts: "
                    + (probe.waitedMillis() > 0 ? "after waiting " + probe.waitedMillis() + " ms of check.graceMillis ("
                    + contract.check().graceMillis() + " ms)" : "at once: no wait was needed (the versions prove"
                    + " that no write was in flight, or check.graceMillis had passed; docs/contract.md, \"Race defence\")"));
        }
        Finding f = probe.finding();
        Explanation.FindingDigests findingDigests = f == null || f.driftClass() == DriftClass.UNMAPPED ? null
                : new Explanation.FindingDigests(f.cacheDigest(), f.sourceDigest(), f.valueDigest(), f.cacheVersion(), f.sourceVersion());
        return new Explanation(redactor.apply(KeyText.display(key)), probe.driftClass(), outcome, f == null ? null : f.reason(),
                route, probe.node(), stored, decode, lookup, fields, members, looks, findingDigests, notes, showValues);
    }

    private static String outcome(KeyProbe.Result probe, List<String> notes) {
        for (Skipped s : probe.skipped()) {
            notes.add("not checked: " + s.reason());
        }
        if (probe.driftClass() != null) {
            return "CLASSIFIED";
        }
        if (probe.routing().kind() == KeyProbe.RouteKind.IGNORED) {
            notes.add("the key starts with one of cache.ignoreKeyPrefixes and no namespace claims it for an active tenant:"
                    + " validate counts it as ignored");
            return "IGNORED";
        }
        if (probe.expired()) {
            notes.add("the key does not exist in the cache (or expired while it was read): a scan would not see it");
            return "KEY_MISSING";
        }
        return "NOT_CHECKED";
    }

    private Explanation.Route route(byte[] key, KeyProbe.Routing routing, Set<String> active) {
        String placeholder = contract.tenants().placeholder();
        List<String> matched = new ArrayList<>();
        for (Namespace n : contract.namespaces()) {
            if (n.keyPattern().match(key) != null) {
                matched.add(n.name() + " (" + n.keyPattern().text() + ", " + n.keyPattern().literalBytes() + " literal bytes)");
            }
        }
        Namespace ns = routing.namespace() == null ? null : contract.namespace(routing.namespace());
        Map<String, String> placeholders = null;
        if (ns != null) {
            String[] values = ns.keyPattern().match(key);
            placeholders = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                String name = ns.keyPattern().placeholders().get(i);
                if (!name.equals(placeholder)) {
                    placeholders.put(name, redactor.apply(values[i]));
                }
            }
        }
        Explanation.Nearest nearest = matched.isEmpty() ? nearest(key) : null;
        String hint = null;
        if ("inactive-tenant".equals(routing.reason())) {
            hint = inactiveHint(routing.tenant(), active, ns);
        } else if (nearest != null) {
            hint = "fix the keyPattern of namespace " + nearest.namespace() + " if the application writes such keys, or list"
                    + " their prefix in cache.ignoreKeyPrefixes if they belong to another application";
        } else if ("ambiguous-namespace".equals(routing.reason())) {
            hint = "two namespaces match the key with the same number of literal bytes, so neither may claim it;"
                    + " make one pattern more specific";
        }
        return new Explanation.Route(routing.kind().name(), routing.namespace(), ns == null ? null : ns.keyPattern().text(),
                placeholder, routing.tenant(), routing.tenant() == null ? null : active.contains(routing.tenant()),
                placeholders, matched, routing.reason(), nearest, hint);
    }

    /**
     * Why a tenant value is not active. The usual cause is not the tenant but the pattern: a placeholder or literal
     * out of place makes the tenant placeholder take part of the key that is not the tenant, so every key of the
     * namespace is UNMAPPED inactive-tenant. When an active tenant appears inside the value, say so.
     */
    private String inactiveHint(String tenant, Set<String> active, Namespace ns) {
        List<String> inside = new ArrayList<>();
        for (String a : new java.util.TreeSet<>(active)) {
            if (!a.equals(tenant) && tenant.contains(a) && inside.size() < 3) {
                inside.add(a);
            }
        }
        StringBuilder out = new StringBuilder("tenant '" + tenant + "' (from {" + contract.tenants().placeholder() + "} of "
                + ns.keyPattern().text() + ") is not among the " + active.size() + " active tenants of tenants.sql");
        if (!inside.isEmpty()) {
            out.append("; it contains the active tenant").append(inside.size() > 1 ? "s " : " ").append(String.join(", ", inside))
                    .append(": the key probably has a part the pattern lacks next to the tenant, and {")
                    .append(contract.tenants().placeholder()).append("} took it too");
        } else {
            out.append(DidYouMean.hint(tenant, active));
            out.append("; if the tenant is active, check tenants.sql; if every key of the namespace is UNMAPPED this way,"
                    + " check where the pattern puts {").append(contract.tenants().placeholder()).append("}");
        }
        return out.toString();
    }

    private Explanation.Nearest nearest(byte[] key) {
        Namespace best = null;
        KeyPattern.Divergence bestD = null;
        for (Namespace n : contract.namespaces()) {
            KeyPattern.Divergence d = n.keyPattern().divergence(key);
            if (d != null && (bestD == null || d.matchedBytes() > bestD.matchedBytes())) {
                best = n;
                bestD = d;
            }
        }
        if (best == null) {
            return null;
        }
        String found = bestD.foundFrom() < 0 ? null
                : redactor.apply(KeyText.display(Arrays.copyOfRange(key, bestD.foundFrom(), bestD.foundTo())));
        return new Explanation.Nearest(best.name(), best.keyPattern().text(), bestD.keyOffset(), bestD.patternOffset(),
                bestD.reason(), found);
    }

    private static String stored(CachedValue value) {
        if (value instanceof CachedValue.Text t) {
            return "string, " + t.bytes().length + " bytes";
        }
        if (value instanceof CachedValue.Hash h) {
            return "hash, " + h.fields().size() + " fields";
        }
        if (value instanceof CachedValue.Members m) {
            return m.type().redisType() + ", " + m.members().size() + (m.members().size() == 1 ? " member" : " members");
        }
        if (value instanceof CachedValue.WrongType w) {
            return "another Redis type than the namespace's " + w.expected();
        }
        return "missing";
    }

    private static List<Explanation.DecodeStep> decodeSteps(CachedValue value, Decoded decoded, DecodeTrace trace) {
        List<Explanation.DecodeStep> out = new ArrayList<>();
        for (DecodeTrace.Step s : trace.steps()) {
            out.add(new Explanation.DecodeStep(s.step(), s.produced(), s.failure()));
        }
        if (out.isEmpty() && decoded.corrupt()) {
            out.add(new Explanation.DecodeStep("read", null, decoded.corruptReason())); // e.g. wrong-type
        }
        return out;
    }

    private Explanation.Lookup lookup(Namespace ns, KeyProbe.Routing routing, KeyProbe.Look look) {
        JdbcSource.LookupStatement st = JdbcSource.lookupStatement(contract.source(), ns, contract.tenants().placeholder(),
                routing.tenant(), routing.keyValues().toArray(new String[0]));
        List<Explanation.Parameter> params = new ArrayList<>();
        for (JdbcSource.BoundParameter p : st.parameters()) {
            // the tenant id is shown as in findings; the other values come from the key, so they are redacted like keys
            boolean redact = !p.tenant() && redactor.enabled();
            params.add(new Explanation.Parameter(p.index(), p.name(), redact ? redactor.apply(p.value()) : p.value(), redact));
        }
        Integer rows = look.rejectedState() != null ? null : ns.valueType().collection()
                ? (look.members() == null ? 0 : look.members().rows().size()) : (look.row() == null ? 0 : 1);
        return new Explanation.Lookup(st.sql(), params, rows, look.rejectedState());
    }

    private List<Explanation.Field> fields(Namespace ns, Decoded decoded, KeyProbe.Look look, boolean showValues, Mac digest) {
        List<Explanation.Field> out = new ArrayList<>();
        Decoded cache = decoded.corrupt() ? null : decoded;
        for (Canonicalizer.FieldForm f : Canonicalizer.fieldForms(ns, cache, look.row())) {
            String typeForm = f.sourceForm() != null ? f.sourceForm() : f.cacheForm();
            out.add(new Explanation.Field(f.field(), f.column(), f.cacheType(), f.sourceType(), comparedAs(typeForm),
                    length(f.cacheForm()), length(f.sourceForm()), f.equal(), digest(digest, f.cacheForm()),
                    digest(digest, f.sourceForm()), showValues ? f.cacheForm() : null, showValues ? f.sourceForm() : null));
        }
        return out;
    }

    private static Explanation.Members members(Namespace ns, KeyProbe.Look look, boolean showValues) {
        Integer cached = look.value() instanceof CachedValue.Members m ? m.members().size() : null;
        Integer source = look.members() == null ? null : look.members().rows().size();
        if (!showValues) {
            return new Explanation.Members(cached, source, null, null);
        }
        KeyProbe.MemberForms forms = KeyProbe.memberForms(ns, look.value(), look.members());
        return new Explanation.Members(cached, source, forms.cached(), forms.source());
    }

    /** The comparison a canonical form's type tag stands for ({@link Canonicalizer}). */
    private static String comparedAs(String form) {
        if (form == null || form.isEmpty()) {
            return null;
        }
        return switch (form.charAt(0)) {
            case 'N' -> "number";
            case 'S' -> "text";
            case 'T' -> "timestamp";
            case 'D' -> "date";
            case 'B' -> "boolean";
            case 'J' -> "json";
            case 'Z' -> "null";
            default -> "other";
        };
    }

    private static Integer length(String form) {
        return form == null ? null : form.length() - 1; // without the type tag
    }

    private static String digest(Mac mac, String form) {
        if (form == null) {
            return null;
        }
        return Canonicalizer.hex(mac.doFinal(form.getBytes(StandardCharsets.UTF_8))).substring(0, DIGEST_HEX);
    }

    /**
     * An HMAC under a random key made for this explanation: a digest of a short value (a boolean, a small number)
     * could otherwise be reversed by hashing candidates, so the digests only tell equal forms within one explanation.
     */
    private static Mac newDigest() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }
}
