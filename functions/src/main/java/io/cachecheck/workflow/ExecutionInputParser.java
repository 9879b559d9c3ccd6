package io.cachecheck.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.baseline.BaselineSelection;
import io.cachecheck.error.InvalidInputException;
import io.cachecheck.remediate.Limits;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates an execution input and fills its defaults. Every error names the field and says how to fix it, and
 * unknown fields are errors, so a typo never silently falls back to a default.
 */
public final class ExecutionInputParser {
    private static final Set<String> TOP = Set.of("mode", "tenantScope", "gate", "maxConcurrency", "remediate", "baseline",
            "remediation", "sample", "throttle");
    private static final Set<String> THROTTLE = Set.of("cacheReadsPerSecond", "sourceQueriesPerSecond");
    /** Upper bound of a throttle cap: far above what one node serves, so a value past it is a typo. */
    static final double MAX_THROTTLE_LIMIT = 10_000_000;
    private static final Set<String> REMEDIATION = Set.of("maxKeysPerRun", "maxKeysPerTenant", "maxWritesPerSecond");
    /** Upper bounds that catch a typo (an extra zero) before it lets a run rewrite a whole cache. */
    static final int MAX_KEYS_LIMIT = 1_000_000;
    static final double MAX_WRITES_PER_SECOND_LIMIT = 100_000;
    private static final Set<String> GATE = Set.of("maxDriftRatio", "failOnIncomplete", "failOnRegression", "allowRemediation",
            "scoreTolerance");
    /**
     * The most child executions a Distributed Map runs at once (its MaxConcurrency quota). What a run can really use
     * is bounded by the account's Lambda concurrency and the database's and cache's connections: docs/scale.md.
     */
    public static final int MAX_CONCURRENCY = 10_000;

    private ExecutionInputParser() {
    }

    /**
     * Validates a parsed execution input. A field given twice cannot be seen in a {@link JsonNode} any more (the
     * parser kept the last value), so it is refused where the JSON text is read: {@link Json#STRICT}, used by every
     * handler's request (ValidateInput's included) and by the CLI's {@code --input}.
     */
    public static ExecutionInput parse(JsonNode input) {
        if (input == null || !input.isObject()) {
            throw new InvalidInputException("execution input: must be a JSON object such as {\"mode\": \"manual\"}");
        }
        allowOnly(input, TOP, "");
        Mode mode = mode(input.get("mode"));
        List<String> scope = tenantScope(input.get("tenantScope"));
        GateThresholds gate = gate(input.get("gate"));
        int maxConcurrency = 4;
        JsonNode mc = input.get("maxConcurrency");
        if (mc != null && !mc.isNull()) {
            if (!isWhole(mc) || mc.asLong() < 1 || mc.asLong() > MAX_CONCURRENCY) {
                throw new InvalidInputException("maxConcurrency: " + mc + " is invalid; use a whole number from 1 to "
                        + MAX_CONCURRENCY + " (default 4)");
            }
            maxConcurrency = mc.asInt();
        }
        boolean remediate = bool(input, "remediate", "remediate", false);
        if (remediate && mode == Mode.GATE && !gate.allowRemediation()) {
            throw new InvalidInputException("remediate: a gate run must not change the cache; remove \"remediate\" "
                    + "or set \"gate\": {\"allowRemediation\": true}");
        }
        String baseline = "latest";
        JsonNode b = input.get("baseline");
        if (b != null && !b.isNull()) {
            if (!b.isTextual()) {
                throw new InvalidInputException("baseline: " + shorten(b) + " is invalid; use \"latest\", \"none\" or the id"
                        + " of an earlier run");
            }
            BaselineSelection.parse(b.asText()); // the one definition of a valid selection
            baseline = b.asText();
        }
        Limits limits = remediation(input.get("remediation"));
        return new ExecutionInput(mode, scope, gate, maxConcurrency, remediate, baseline, limits, sample(input.get("sample")),
                throttle(input.get("throttle")));
    }

    private static Double sample(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String fix = "; use a fraction above 0 and at most 1, e.g. 0.01 checks the same 1% of the keys on every run"
                + " (1 = every key, the default)";
        if (!node.isNumber() || !(node.asDouble() >= io.cachecheck.sample.KeySample.MIN_FRACTION) || node.asDouble() > 1) {
            throw new InvalidInputException("sample: " + shorten(node) + " is invalid" + fix + "; at least "
                    + io.cachecheck.sample.KeySample.MIN_FRACTION);
        }
        return node.asDouble() >= 1 ? null : node.asDouble();
    }

    private static Throttle throttle(JsonNode node) {
        if (node == null || node.isNull()) {
            return Throttle.NONE;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("throttle: must be an object such as {\"cacheReadsPerSecond\": 20000,"
                    + " \"sourceQueriesPerSecond\": 200}");
        }
        allowOnly(node, THROTTLE, "throttle.");
        return new Throttle(cap(node, "cacheReadsPerSecond", "keys the whole run may read from the cache per second"),
                cap(node, "sourceQueriesPerSecond", "SQL statements the whole run may send to the source per second"));
    }

    private static Double cap(JsonNode parent, String field, String meaning) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !(n.asDouble() > 0) || n.asDouble() > MAX_THROTTLE_LIMIT) {
            throw new InvalidInputException("throttle." + field + ": " + shorten(n) + " is invalid; use a number above 0"
                    + " and at most " + (long) MAX_THROTTLE_LIMIT + ", the " + meaning + " (default: no cap)");
        }
        return n.asDouble();
    }

    /** The normalized input as JSON, the shape later states read ({@code tenantScope} is "all" or a list). */
    public static ObjectNode toJson(ExecutionInput input) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("mode", input.mode().id());
        if (input.allTenants()) {
            out.put("tenantScope", "all");
        } else {
            ArrayNode scope = out.putArray("tenantScope");
            input.tenantScope().forEach(scope::add);
        }
        ObjectNode gate = out.putObject("gate");
        gate.put("maxDriftRatio", input.gate().maxDriftRatio());
        gate.put("failOnIncomplete", input.gate().failOnIncomplete());
        gate.put("failOnRegression", input.gate().failOnRegression());
        gate.put("allowRemediation", input.gate().allowRemediation());
        gate.put("scoreTolerance", input.gate().scoreTolerance());
        out.put("maxConcurrency", input.maxConcurrency());
        out.put("remediate", input.remediate());
        out.put("baseline", input.baseline());
        ObjectNode remediation = out.putObject("remediation");
        remediation.put("maxKeysPerRun", input.remediation().maxKeysPerRun());
        remediation.put("maxKeysPerTenant", input.remediation().maxKeysPerTenant());
        remediation.put("maxWritesPerSecond", input.remediation().maxWritesPerSecond());
        if (input.sampled()) {
            out.put("sample", input.sample());
        }
        if (input.throttle().capped()) {
            ObjectNode throttle = out.putObject("throttle");
            if (input.throttle().cacheReadsPerSecond() != null) {
                throttle.put("cacheReadsPerSecond", input.throttle().cacheReadsPerSecond());
            }
            if (input.throttle().sourceQueriesPerSecond() != null) {
                throttle.put("sourceQueriesPerSecond", input.throttle().sourceQueriesPerSecond());
            }
        }
        return out;
    }

    private static Limits remediation(JsonNode node) {
        Limits d = Limits.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("remediation: must be an object such as {\"maxKeysPerRun\": 100}");
        }
        allowOnly(node, REMEDIATION, "remediation.");
        int perRun = wholeNumber(node, "maxKeysPerRun", d.maxKeysPerRun(), "most keys one run may repair");
        int perTenant = wholeNumber(node, "maxKeysPerTenant", d.maxKeysPerTenant(), "most keys of one tenant one run may repair");
        double rate = d.maxWritesPerSecond();
        JsonNode r = node.get("maxWritesPerSecond");
        if (r != null && !r.isNull()) {
            if (!r.isNumber() || !(r.asDouble() > 0) || r.asDouble() > MAX_WRITES_PER_SECOND_LIMIT) {
                throw new InvalidInputException("remediation.maxWritesPerSecond: " + shorten(r) + " is invalid; use a"
                        + " number above 0 and at most " + (long) MAX_WRITES_PER_SECOND_LIMIT
                        + ", the cache deletes per second while repairing (default " + (long) d.maxWritesPerSecond() + ")");
            }
            rate = r.asDouble();
        }
        return new Limits(perRun, perTenant, rate);
    }

    /** A JSON number without a fractional part: {@code 4}, and also {@code 4.0} or {@code 1e1}, as consoles may send. */
    static boolean isWhole(JsonNode n) {
        if (n.isIntegralNumber()) {
            return true;
        }
        if (!n.isNumber()) {
            return false;
        }
        java.math.BigDecimal d = n.decimalValue();
        return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    }

    private static int wholeNumber(JsonNode parent, String field, int defaultValue, String meaning) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!isWhole(n) || n.asLong() < 1 || n.asLong() > MAX_KEYS_LIMIT) {
            throw new InvalidInputException("remediation." + field + ": " + shorten(n) + " is invalid; use a whole number"
                    + " from 1 to " + MAX_KEYS_LIMIT + ", the " + meaning + " (default " + defaultValue + ")");
        }
        return n.asInt();
    }

    private static Mode mode(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new InvalidInputException("mode: is required; use \"scheduled\", \"gate\" or \"manual\"");
        }
        if (node.isTextual()) {
            for (Mode m : Mode.values()) {
                if (m.id().equals(node.asText())) {
                    return m;
                }
            }
        }
        throw new InvalidInputException("mode: " + node + " is unknown; use \"scheduled\", \"gate\" or \"manual\"");
    }

    private static List<String> tenantScope(JsonNode node) {
        if (node == null || node.isNull() || node.isTextual() && node.asText().equals("all")) {
            return List.of();
        }
        String fix = "; use \"all\" or a non-empty list of tenant ids such as [\"acme\", \"globex\"]";
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidInputException("tenantScope: " + shorten(node) + " is invalid" + fix);
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode id = node.get(i);
            if (!id.isTextual() && !id.isIntegralNumber() || id.asText().isBlank()) {
                throw new InvalidInputException("tenantScope[" + i + "]: " + shorten(id) + " is not a tenant id" + fix);
            }
            if (!ids.add(id.asText())) {
                throw new InvalidInputException("tenantScope[" + i + "]: tenant '" + id.asText() + "' is listed twice; list each tenant once");
            }
        }
        return new ArrayList<>(ids);
    }

    private static GateThresholds gate(JsonNode node) {
        GateThresholds d = GateThresholds.defaults();
        if (node == null || node.isNull()) {
            return d;
        }
        if (!node.isObject()) {
            throw new InvalidInputException("gate: must be an object such as {\"maxDriftRatio\": 0.001}");
        }
        allowOnly(node, GATE, "gate.");
        double ratio = ratio(node, "maxDriftRatio", d.maxDriftRatio(),
                "e.g. 0.001 tolerates one drifted key per thousand");
        double tolerance = ratio(node, "scoreTolerance", d.scoreTolerance(),
                "e.g. 0.01 lets a tenant/namespace score drop by one point in a hundred before it is a regression");
        return new GateThresholds(ratio,
                bool(node, "failOnIncomplete", "gate.failOnIncomplete", d.failOnIncomplete()),
                bool(node, "failOnRegression", "gate.failOnRegression", d.failOnRegression()),
                bool(node, "allowRemediation", "gate.allowRemediation", d.allowRemediation()),
                tolerance);
    }

    private static double ratio(JsonNode gate, String field, double defaultValue, String example) {
        JsonNode r = gate.get(field);
        if (r == null || r.isNull()) {
            return defaultValue;
        }
        if (!r.isNumber() || r.asDouble() < 0 || r.asDouble() > 1) {
            throw new InvalidInputException("gate." + field + ": " + r + " is invalid; use a number from 0 to 1, " + example);
        }
        return r.asDouble();
    }

    private static boolean bool(JsonNode parent, String field, String path, boolean defaultValue) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return defaultValue;
        }
        if (!node.isBoolean()) {
            throw new InvalidInputException(path + ": " + shorten(node) + " is not a boolean; use true or false (default "
                    + defaultValue + ")");
        }
        return node.asBoolean();
    }

    private static void allowOnly(JsonNode node, Set<String> allowed, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new InvalidInputException(prefix + name + ": unknown field; allowed fields are "
                        + new java.util.TreeSet<>(allowed) + io.cachecheck.error.DidYouMean.hint(name, allowed));
            }
        }
    }

    private static String shorten(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
