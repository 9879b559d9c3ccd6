package io.cachecheck.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachecheck.check.DriftClass;
import io.cachecheck.error.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link Baseline}. Written field by field (not by reflection) so the document format is fixed
 * here and does not change when a record gains a component.
 */
public final class BaselineCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BaselineCodec() {
    }

    public static byte[] write(Baseline b) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", b.version());
        root.put("runId", b.runId());
        root.put("createdAt", b.createdAt().toString());
        root.put("keyScheme", b.keyScheme());
        if (b.sample() < 1) {
            root.put("sample", b.sample()); // absent = a full run, as every baseline written before sampling existed
        }
        ArrayNode namespaces = root.putArray("namespaces");
        for (NamespaceFigures f : b.namespaces()) {
            ObjectNode n = namespaces.addObject();
            n.put("tenant", f.tenant());
            n.put("namespace", f.namespace());
            n.put("keysChecked", f.keysChecked());
            ObjectNode counts = n.putObject("counts");
            counts.put("consistent", f.consistent());
            counts.put("stale", f.stale());
            counts.put("orphan", f.orphan());
            counts.put("corrupt", f.corrupt());
            counts.put("inFlight", f.inFlight());
            n.put("score", f.score());
            n.put("cacheDigest", f.cacheDigest());
            n.put("sourceDigest", f.sourceDigest());
            n.put("complete", f.complete());
        }
        ArrayNode drifted = root.putArray("drifted");
        for (DriftedKey d : b.drifted()) {
            ObjectNode k = drifted.addObject();
            k.put("tenant", d.tenant());
            k.put("namespace", d.namespace());
            k.put("key", d.key());
            k.put("class", d.driftClass().name());
            k.put("firstSeen", d.firstSeen().toString());
            k.put("firstSeenRunId", d.firstSeenRunId());
            if (d.cell() != null) {
                k.put("cell", d.cell());
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Baseline read(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidInputException("baseline: document is not JSON; delete it or run once with baseline none");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("baseline: document is not a JSON object; delete it or run once with baseline none");
        }
        int version = root.path("version").asInt(-1);
        if (version < 1 || version > Baseline.FORMAT_VERSION) {
            throw new InvalidInputException("baseline: format version " + root.path("version") + " is not supported (this build reads 1.."
                    + Baseline.FORMAT_VERSION + "); upgrade cachecheck or run once with baseline none");
        }
        String runId = text(root, "runId");
        List<NamespaceFigures> namespaces = new ArrayList<>();
        for (JsonNode n : root.path("namespaces")) {
            JsonNode c = n.path("counts");
            namespaces.add(new NamespaceFigures(text(n, "tenant"), text(n, "namespace"), n.path("keysChecked").asLong(),
                    c.path("consistent").asLong(), c.path("stale").asLong(), c.path("orphan").asLong(),
                    c.path("corrupt").asLong(), c.path("inFlight").asLong(), n.path("score").asDouble(1.0),
                    text(n, "cacheDigest"), text(n, "sourceDigest"), n.path("complete").asBoolean(true)));
        }
        List<DriftedKey> drifted = new ArrayList<>();
        for (JsonNode k : root.path("drifted")) {
            DriftClass driftClass;
            try {
                driftClass = DriftClass.valueOf(k.path("class").asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("baseline " + runId + ": unknown drift class '" + k.path("class").asText()
                        + "'; the document is damaged, run once with baseline none");
            }
            drifted.add(new DriftedKey(text(k, "tenant"), text(k, "namespace"), text(k, "key"), driftClass,
                    instant(k, "firstSeen", runId), text(k, "firstSeenRunId"), text(k, "cell")));
        }
        double sample = root.path("sample").asDouble(1);
        return new Baseline(version, runId, instant(root, "createdAt", runId), text(root, "keyScheme"), namespaces, drifted,
                sample > 0 && sample <= 1 ? sample : 1);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode node, String field, String runId) {
        String text = text(node, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidInputException("baseline " + runId + ": " + field + " '" + text
                    + "' is not an ISO-8601 instant; the document is damaged, run once with baseline none");
        }
    }
}
