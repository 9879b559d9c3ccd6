package io.cachecheck.baseline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cachecheck.error.InvalidInputException;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one stored baseline that a score trend needs: keys checked and drifted over all its tenant
 * namespaces, and per requested tenant. Read by streaming the document ({@link BaselineCodec}'s format), so neither
 * the drifted keys nor the digests are materialised: a 10,000-tenant baseline (13 MB) is summed in a pass.
 *
 * @param tenants keys checked and drifted of the requested tenants this baseline has figures for
 */
public record BaselineScores(String runId, Instant createdAt, long keysChecked, long drifted,
                             Map<String, Figures> tenants) {
    private static final JsonFactory JSON = new JsonFactory();

    /** One tenant's keys checked and drifted (STALE + ORPHAN + CORRUPT) over its namespaces. */
    public record Figures(long keysChecked, long drifted) {
    }

    /**
     * @throws InvalidInputException when the document is not a baseline this build reads
     */
    public static BaselineScores read(byte[] json, Set<String> wanted) {
        String runId = null;
        Instant createdAt = null;
        long checked = 0;
        long drifted = 0;
        Map<String, long[]> perTenant = new HashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInputException("baseline: document is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "version" -> {
                        if (p.getIntValue() < 1 || p.getIntValue() > Baseline.FORMAT_VERSION) {
                            throw new InvalidInputException("baseline: format version " + p.getText() + " is not supported");
                        }
                    }
                    case "runId" -> runId = p.getValueAsString();
                    case "createdAt" -> createdAt = Instant.parse(p.getValueAsString());
                    case "namespaces" -> {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            Entry e = readEntry(p);
                            checked += e.keysChecked();
                            drifted += e.drifted();
                            if (e.tenant() != null && wanted.contains(e.tenant())) {
                                long[] t = perTenant.computeIfAbsent(e.tenant(), k -> new long[2]);
                                t[0] += e.keysChecked();
                                t[1] += e.drifted();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | DateTimeParseException | ClassCastException e) {
            throw new InvalidInputException("baseline: document is not a readable baseline (" + e.getClass().getSimpleName() + ")");
        }
        if (runId == null || createdAt == null) {
            throw new InvalidInputException("baseline: document has no runId or createdAt");
        }
        Map<String, Figures> tenants = new HashMap<>();
        perTenant.forEach((t, f) -> tenants.put(t, new Figures(f[0], f[1])));
        return new BaselineScores(runId, createdAt, checked, drifted, Map.copyOf(tenants));
    }

    /** One namespaces[] entry. */
    private record Entry(String tenant, long keysChecked, long drifted) {
    }

    /** Reads one namespaces[] entry: its tenant, keysChecked and stale + orphan + corrupt; skips the rest. */
    private static Entry readEntry(JsonParser p) throws IOException {
        String tenant = null;
        long[] f = new long[2];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "tenant" -> tenant = p.getValueAsString();
                case "keysChecked" -> f[0] = p.getLongValue();
                case "counts" -> {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String count = p.currentName();
                        p.nextToken();
                        if (count.equals("stale") || count.equals("orphan") || count.equals("corrupt")) {
                            f[1] += p.getLongValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Entry(tenant, f[0], f[1]);
    }
}
